import fs from "node:fs/promises";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import type { Config } from "../config/config.js";
import { describeExit, describeWorker, type Executor, type WorkerExit } from "../executors/executor.js";
import type { Logger } from "../logging/create-logger.js";
import { buildEchoSpec, buildJobSpec } from "./build-job-spec.js";
import type { EchoInputs, JobRequest, JobSpec, Subscriber } from "./job-spec.js";
import { IdempotencyStore } from "./idempotency-store.js";
import { JobReports } from "./job-reports.js";
import type { SubscriberNotifier } from "./subscriber-notifier.js";
import type { WorkerFigures } from "./worker-figures.js";
import { JOB_FILES, JobNotFoundError, type JobPage, type JobStore, type ListOptions } from "./job-store.js";
import type { WorkerRecord } from "../executors/worker-record.js";
import { publishStagingDir } from "./publish-paths.js";
import { workerProblem, type HealthRules } from "./worker-health.js";
import { isTerminal, type StatusDocument } from "./status-document.js";
import { createAccepted, InvalidTransitionError, markDismissed, markFailed } from "./transitions.js";

// The API's side of the job life cycle: accept, queue in FIFO order, start at most MAX_CONCURRENT_JOBS workers,
// watch them, cancel, and reconcile what it finds on disk after a restart. The worker owns the status document
// while it runs; this service writes it only before a worker starts and after one is gone.

export interface JobServiceDeps {
  readonly store: JobStore;
  readonly executor: Executor;
  readonly config: Config;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** How often running workers are checked for life and heartbeat. */
  readonly checkIntervalMs?: number;
  /** How often finished jobs are checked against JOB_RETENTION. */
  readonly retentionIntervalMs?: number;
  /** Sends OGC subscriber callbacks; none are sent without it. */
  readonly notifier?: SubscriberNotifier;
  /** Told once about each job this process saw end, with the worker's figures if it left any (metrics). */
  readonly onJobEnded?: (doc: StatusDocument, figures: WorkerFigures | undefined) => void;
}

export interface SubmitOptions {
  readonly owner: string;
  /** URLs to tell about the job's progress (OGC API - Processes); already checked against the config. */
  readonly subscriber?: Subscriber | undefined;
  /** The client's Idempotency-Key and a fingerprint of its request body. */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string } | undefined;
}

export interface Submission {
  readonly status: StatusDocument;
  /** true when an Idempotency-Key repeat returned the job an earlier request created. */
  readonly replayed: boolean;
}

/** More jobs are waiting than MAX_QUEUED_JOBS allows. */
export class QueueFullError extends Error {
  override readonly name = "QueueFullError";
  constructor(readonly queued: number) {
    super(`${queued} jobs are already waiting to start`);
  }
}

/** An Idempotency-Key that was first used with a different request. */
export class IdempotencyConflictError extends Error {
  override readonly name = "IdempotencyConflictError";
  constructor(
    readonly key: string,
    readonly jobId: string,
  ) {
    super(`Idempotency-Key ${key} was used for a different request (job ${jobId})`);
  }
}

type BuildJob = (jobId: string, now: Date) => { spec: JobSpec; status: StatusDocument };

export class JobService {
  readonly #store: JobStore;
  readonly #idempotency: IdempotencyStore;
  readonly #executor: Executor;
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #checkIntervalMs: number;
  readonly #queue: string[] = [];
  readonly #running = new Map<string, WorkerRecord>();
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #retentionIntervalMs: number;
  readonly #reports: JobReports;
  /** Jobs whose worker this process started and whose exit it is waiting for: the exit says how it ended. */
  readonly #awaitingExit = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #retentionTimer: NodeJS.Timeout | undefined;
  #pumping = false;

  constructor(deps: JobServiceDeps) {
    this.#store = deps.store;
    this.#idempotency = new IdempotencyStore(deps.store.workingDir);
    this.#executor = deps.executor;
    this.#config = deps.config;
    this.#logger = deps.logger;
    this.#now = deps.now ?? (() => new Date());
    this.#checkIntervalMs = deps.checkIntervalMs ?? 2_000;
    this.#reports = new JobReports({
      store: deps.store,
      logger: deps.logger,
      notifier: deps.notifier,
      onJobEnded: deps.onJobEnded,
    });
    this.#retentionIntervalMs =
      deps.retentionIntervalMs ?? Math.min(10 * 60_000, Math.max(1_000, deps.config.jobRetentionMs / 10));
  }

  /** Reconciles the job directories with the workers that are really running, then starts watching. */
  async start(): Promise<void> {
    await this.reconcile();
    this.#timer = setInterval(() => void this.#checkWorkers(), this.#checkIntervalMs);
    this.#timer.unref();
    this.#retentionTimer = setInterval(() => void this.#sweepQuietly(), this.#retentionIntervalMs);
    this.#retentionTimer.unref();
    await this.#pump();
    await this.#sweepQuietly();
  }

  /** Stops watching. Workers are left running: they belong to their jobs, not to this process. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#retentionTimer !== undefined) clearInterval(this.#retentionTimer);
    this.#timer = undefined;
    this.#retentionTimer = undefined;
  }

  /**
   * JOB_RETENTION: removes the working directories of jobs that finished longer ago than that, and
   * Idempotency-Key records as old. Published results are not touched. Returns the removed job ids.
   */
  async sweepExpired(): Promise<string[]> {
    const now = this.#now();
    const removed: string[] = [];
    for (const jobId of await this.#store.listIds()) {
      await this.#exclusive(jobId, async () => {
        const status = await this.#store.readStatus(jobId).catch(() => undefined);
        if (status === undefined || !isTerminal(status.status)) return;
        const finished = Date.parse(status.finished ?? status.updated);
        if (now.getTime() - finished <= this.#config.jobRetentionMs) return;
        await this.#store.remove(jobId);
        removed.push(jobId);
      });
    }
    await this.#idempotency.sweep(this.#config.jobRetentionMs, now);
    if (removed.length > 0) this.#logger.info({ jobs: removed.length }, "removed jobs past JOB_RETENTION");
    return removed;
  }

  async #sweepQuietly(): Promise<void> {
    await this.sweepExpired().catch((error: unknown) =>
      this.#logger.error({ err: error }, "JOB_RETENTION sweep failed"),
    );
  }

  /** How many jobs are in each state (terminal documents are cached, so this stays cheap). */
  async countByStatus(): Promise<Partial<Record<StatusDocument["status"], number>>> {
    const counts: Partial<Record<StatusDocument["status"], number>> = {};
    for (const jobId of await this.#store.listIds()) {
      const doc = await this.#store.readStatus(jobId).catch(() => undefined);
      if (doc !== undefined) counts[doc.status] = (counts[doc.status] ?? 0) + 1;
    }
    return counts;
  }

  get queuedCount(): number {
    return this.#queue.length;
  }

  get runningCount(): number {
    return this.#running.size;
  }

  /**
   * Accepts a job for an owner. With an idempotency key, a repeat of the same request returns the job the first
   * one created (replayed: true), and the same key with another request is refused.
   */
  async submit(request: JobRequest, options: SubmitOptions): Promise<Submission> {
    return this.#submit(options, (jobId, now) => {
      const spec = buildJobSpec(jobId, request, options.owner, this.#config, now);
      return {
        spec: options.subscriber === undefined ? spec : { ...spec, subscriber: options.subscriber },
        status: createAccepted(jobId, request.imagery_list, now),
      };
    });
  }

  /** The echo process as a job: the worker waits `pause` seconds and returns the string. */
  async submitEcho(echo: EchoInputs, options: SubmitOptions): Promise<Submission> {
    return this.#submit(options, (jobId, now) => {
      const spec = buildEchoSpec(jobId, echo, options.owner, this.#config, now);
      return {
        spec: options.subscriber === undefined ? spec : { ...spec, subscriber: options.subscriber },
        status: createAccepted(jobId, [], now, "echo"),
      };
    });
  }

  async #submit(options: SubmitOptions, build: BuildJob): Promise<Submission> {
    const { owner, idempotency } = options;
    if (idempotency === undefined) {
      return { status: await this.#accept(build, uuidv7()), replayed: false };
    }
    const { key, fingerprint } = idempotency;
    return this.#exclusive(`idempotency:${owner}:${key}`, async () => {
      const claim = await this.#idempotency.claim(owner, key, fingerprint, uuidv7());
      if (claim.fingerprint !== fingerprint) throw new IdempotencyConflictError(key, claim.jobId);
      const existing = await this.#store.readStatus(claim.jobId).catch((error: unknown) => {
        if (error instanceof JobNotFoundError) return undefined;
        throw error;
      });
      if (existing !== undefined) return { status: existing, replayed: true };
      // Claimed now, or by an attempt that stopped before it created the job: create it under the claimed id.
      try {
        return { status: await this.#accept(build, claim.jobId), replayed: false };
      } catch (error) {
        if (claim.fresh) await this.#idempotency.release(owner, key);
        throw error;
      }
    });
  }

  async #accept(build: BuildJob, jobId: string): Promise<StatusDocument> {
    if (this.#queue.length >= this.#config.maxQueuedJobs) throw new QueueFullError(this.#queue.length);
    const { spec, status } = build(jobId, this.#now());
    await this.#store.create(spec, status);
    this.#queue.push(jobId);
    this.#logger.info({ jobId, owner: spec.owner, process: spec.process }, "job accepted");
    void this.#pump();
    return status;
  }

  ownerOf(jobId: string): Promise<string> {
    return this.#store.readOwner(jobId);
  }

  get(jobId: string): Promise<StatusDocument> {
    return this.#store.readStatus(jobId);
  }

  list(options: ListOptions): Promise<JobPage> {
    return this.#store.list(options);
  }

  readResults(jobId: string): Promise<string> {
    return this.#store.readResults(jobId);
  }

  readLog(jobId: string): Promise<string> {
    return this.#store.readLog(jobId);
  }

  /** Dismisses a queued or running job; a running worker and its children are stopped first. */
  async cancel(jobId: string): Promise<StatusDocument> {
    const before = await this.#store.readStatus(jobId);
    if (isTerminal(before.status)) throw new InvalidTransitionError(before.status, "dismissed");
    return this.#exclusive(jobId, async () => {
      const queued = this.#queue.indexOf(jobId);
      if (queued !== -1) this.#queue.splice(queued, 1);
      const record = this.#running.get(jobId) ?? (await this.#store.readWorkerRecord(jobId));
      this.#running.delete(jobId);
      if (record !== undefined) await this.#executor.stop(record);
      const current = await this.#store.readStatus(jobId);
      const dismissed = markDismissed(current, this.#now());
      await this.#store.writeStatus(dismissed);
      await this.#cleanUp(jobId);
      this.#logger.info({ jobId, wasRunning: record !== undefined }, "job dismissed");
      void this.#reports.ended(jobId);
      void this.#pump();
      return dismissed;
    });
  }

  /**
   * After a restart: queued jobs are queued again in their original order, live workers are adopted, and jobs
   * whose worker is gone are failed with the reason.
   */
  async reconcile(): Promise<void> {
    const ids = (await this.#store.listIds()).reverse();
    for (const jobId of ids) {
      const status = await this.#store.readStatus(jobId).catch((error: unknown) => {
        this.#logger.warn({ jobId, err: error }, "skipping unreadable job");
        return undefined;
      });
      if (status === undefined || isTerminal(status.status)) continue;
      const record = await this.#store.readWorkerRecord(jobId);
      if (record === undefined) {
        if (status.status === "accepted" && !this.#queue.includes(jobId)) this.#queue.push(jobId);
        else if (status.status === "running")
          await this.#fail(jobId, "worker is gone: no record of its process");
        continue;
      }
      if (this.#running.has(jobId)) continue;
      // An executor that can follow the worker reports how it ended, even if that was while no API ran.
      const exited = this.#executor.follow(record);
      const problem =
        exited === undefined ? await workerProblem(record, status, this.#healthRules()) : undefined;
      if (problem === undefined) {
        this.#running.set(jobId, record);
        this.#logger.info({ jobId, worker: describeWorker(record) }, "adopted running worker");
        if (exited !== undefined) this.#awaitExit(jobId, record, exited);
      } else {
        await this.#retire(jobId, record, problem);
      }
    }
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#running.size < this.#config.maxConcurrentJobs && this.#queue.length > 0) {
        await this.#launch(this.#queue.shift()!);
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Starts a queued job's worker, under the job's lock so that a cancel cannot slip in between. */
  async #launch(jobId: string): Promise<void> {
    await this.#exclusive(jobId, () => this.#launchUnlocked(jobId));
  }

  async #launchUnlocked(jobId: string): Promise<void> {
    const log = this.#logger.child({ jobId });
    const status = await this.#store.readStatus(jobId).catch(() => undefined);
    if (status?.status !== "accepted") return;
    try {
      const spec = await this.#store.readSpec(jobId);
      const started = await this.#executor.start({
        jobId,
        jobDir: this.#store.jobDir(jobId),
        cores: spec.request?.cores ?? 1,
      });
      this.#running.set(jobId, started.record);
      await this.#store.writeWorkerRecord(jobId, started.record);
      log.info({ worker: describeWorker(started.record) }, "worker started");
      this.#awaitExit(jobId, started.record, started.exited);
      void this.#reports.tell(jobId, "inProgress");
    } catch (error) {
      log.error({ err: error }, "could not start worker");
      this.#running.delete(jobId);
      await this.#fail(jobId, `could not start the worker: ${(error as Error).message}`);
    }
  }

  /** The worker's exit, once it comes, says how the job ended; until it is handled the periodic check waits. */
  #awaitExit(jobId: string, record: WorkerRecord, exited: Promise<WorkerExit>): void {
    this.#awaitingExit.add(jobId);
    void exited
      .then((exit) => this.#onWorkerExit(jobId, record, exit))
      .catch((error: unknown) =>
        this.#logger.error({ jobId, err: error }, "handling the worker's exit failed"),
      )
      .finally(() => this.#awaitingExit.delete(jobId));
  }

  async #onWorkerExit(jobId: string, record: WorkerRecord, exit: WorkerExit): Promise<void> {
    await this.#exclusive(jobId, async () => {
      // Cancelled, or already handled by a check: nothing more to do.
      if (this.#running.get(jobId) !== record) return;
      this.#running.delete(jobId);
      const status = await this.#store.readStatus(jobId);
      if (!isTerminal(status.status)) {
        await this.#fail(
          jobId,
          `worker stopped before finishing (${describeExit(exit)}); see worker.stderr.log`,
          record,
        );
      }
      this.#logger.info({ jobId, status: (await this.#store.readStatus(jobId)).status }, "worker ended");
      await this.#reports.ended(jobId);
    }).catch((error: unknown) => this.#logger.error({ jobId, err: error }, "handling worker exit failed"));
    await this.#pump();
  }

  /** Periodic check of every running worker: alive, and its heartbeat fresh. */
  async #checkWorkers(): Promise<void> {
    for (const [jobId, record] of [...this.#running]) {
      await this.#exclusive(jobId, async () => {
        if (this.#running.get(jobId) !== record) return;
        const status = await this.#store.readStatus(jobId);
        if (isTerminal(status.status)) {
          this.#running.delete(jobId);
          await this.#reports.ended(jobId);
          return;
        }
        // A worker of ours that is gone is reported by its exit handler, with its exit code or signal.
        if (this.#awaitingExit.has(jobId) && !this.#executor.isAlive(record)) return;
        const problem = await workerProblem(record, status, this.#healthRules());
        if (problem === undefined) return;
        this.#running.delete(jobId);
        await this.#retire(jobId, record, problem);
      }).catch((error: unknown) => this.#logger.error({ jobId, err: error }, "worker check failed"));
    }
    await this.#pump();
  }

  #healthRules(): HealthRules {
    return {
      executor: this.#executor,
      now: this.#now(),
      jobTimeoutMs: this.#config.jobTimeoutMs,
      heartbeatTimeoutMs: this.#config.heartbeatTimeoutMs,
    };
  }

  /** Stops a worker that cannot be trusted (a hung one may still be alive) and fails its job. */
  async #retire(jobId: string, record: WorkerRecord, reason: string): Promise<void> {
    await this.#executor.stop(record);
    await this.#fail(jobId, reason, record);
  }

  async #fail(jobId: string, reason: string, record?: WorkerRecord): Promise<void> {
    const status = await this.#store.readStatus(jobId);
    if (isTerminal(status.status)) return;
    await this.#store.writeStatus(markFailed(status, reason, this.#now()));
    await this.#store.appendLog(jobId, [`Exception occured, preprocessing failed`, reason]);
    await this.#cleanUp(jobId);
    this.#logger.warn(
      { jobId, worker: record === undefined ? undefined : describeWorker(record), reason },
      "job failed",
    );
    await this.#reports.ended(jobId);
  }

  /** Removes what a stopped worker may have left: staged imagery and a half-assembled publication. */
  async #cleanUp(jobId: string): Promise<void> {
    await fs.rm(path.join(this.#store.jobDir(jobId), JOB_FILES.imagery), { recursive: true, force: true });
    const spec = await this.#store.readSpec(jobId);
    const publishDir = path.join(spec.resolved.imageryStorage, spec.resolved.publishPath);
    await fs.rm(publishStagingDir(publishDir), { recursive: true, force: true });
  }

  /** Runs one state change of a job at a time. */
  #exclusive<T>(jobId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(jobId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.#locks.set(jobId, settled);
    void settled.then(() => {
      if (this.#locks.get(jobId) === settled) this.#locks.delete(jobId);
    });
    return next;
  }
}
