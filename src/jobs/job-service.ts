import fs from "node:fs/promises";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import type { Config } from "../config/config.js";
import type { Executor, WorkerExit } from "../executors/executor.js";
import type { Logger } from "../logging/create-logger.js";
import { buildJobSpec } from "./build-job-spec.js";
import type { JobRequest } from "./job-spec.js";
import { JOB_FILES, type JobPage, type JobStore, type ListOptions, type WorkerRecord } from "./job-store.js";
import { publishStagingDir } from "./publish-paths.js";
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
}

export class JobService {
  readonly #store: JobStore;
  readonly #executor: Executor;
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #checkIntervalMs: number;
  readonly #queue: string[] = [];
  readonly #running = new Map<string, WorkerRecord>();
  readonly #locks = new Map<string, Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;
  #pumping = false;

  constructor(deps: JobServiceDeps) {
    this.#store = deps.store;
    this.#executor = deps.executor;
    this.#config = deps.config;
    this.#logger = deps.logger;
    this.#now = deps.now ?? (() => new Date());
    this.#checkIntervalMs = deps.checkIntervalMs ?? 2_000;
  }

  /** Reconciles the job directories with the workers that are really running, then starts watching. */
  async start(): Promise<void> {
    await this.reconcile();
    this.#timer = setInterval(() => void this.#checkWorkers(), this.#checkIntervalMs);
    this.#timer.unref();
    await this.#pump();
  }

  /** Stops watching. Workers are left running: they belong to their jobs, not to this process. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get queuedCount(): number {
    return this.#queue.length;
  }

  get runningCount(): number {
    return this.#running.size;
  }

  async submit(request: JobRequest): Promise<StatusDocument> {
    const now = this.#now();
    const jobId = uuidv7();
    const status = createAccepted(jobId, request.imagery_list, now);
    await this.#store.create(buildJobSpec(jobId, request, this.#config, now), status);
    this.#queue.push(jobId);
    this.#logger.info({ jobId, scenes: request.imagery_list.length }, "job accepted");
    void this.#pump();
    return status;
  }

  get(jobId: string): Promise<StatusDocument> {
    return this.#store.readStatus(jobId);
  }

  list(options: ListOptions): Promise<JobPage> {
    return this.#store.list(options);
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
      const problem = this.#workerProblem(record, status);
      if (problem === undefined) {
        this.#running.set(jobId, record);
        this.#logger.info({ jobId, workerPid: record.pid }, "adopted running worker");
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
      const started = await this.#executor.start(this.#store.jobDir(jobId));
      this.#running.set(jobId, started.record);
      await this.#store.writeWorkerRecord(jobId, started.record);
      log.info({ workerPid: started.record.pid }, "worker started");
      void started.exited.then((exit) => this.#onWorkerExit(jobId, started.record, exit));
    } catch (error) {
      log.error({ err: error }, "could not start worker");
      this.#running.delete(jobId);
      await this.#fail(jobId, `could not start the worker: ${(error as Error).message}`);
    }
  }

  async #onWorkerExit(jobId: string, record: WorkerRecord, exit: WorkerExit): Promise<void> {
    await this.#exclusive(jobId, async () => {
      // Cancelled, or already handled by a check: nothing more to do.
      if (this.#running.get(jobId) !== record) return;
      this.#running.delete(jobId);
      const status = await this.#store.readStatus(jobId);
      if (!isTerminal(status.status)) {
        const how = exit.signal === undefined ? `exit code ${exit.exitCode}` : `signal ${exit.signal}`;
        await this.#fail(jobId, `worker stopped before finishing (${how}); see worker.stderr.log`, record);
      }
      this.#logger.info({ jobId, status: (await this.#store.readStatus(jobId)).status }, "worker ended");
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
          return;
        }
        const problem = this.#workerProblem(record, status);
        if (problem === undefined) return;
        this.#running.delete(jobId);
        await this.#retire(jobId, record, problem);
      }).catch((error: unknown) => this.#logger.error({ jobId, err: error }, "worker check failed"));
    }
    await this.#pump();
  }

  /** Why a worker cannot be trusted to finish its job, or undefined when it is fine. */
  #workerProblem(record: WorkerRecord, status: StatusDocument): string | undefined {
    if (!this.#executor.isAlive(record))
      return `worker is gone (pid ${record.pid} on ${record.host} has exited)`;
    const runningMs = this.#now().getTime() - Date.parse(record.startedAt);
    if (runningMs > this.#config.jobTimeoutMs) {
      return `job exceeded JOB_TIMEOUT (${Math.round(this.#config.jobTimeoutMs / 1000)} s) and was stopped`;
    }
    // Before its first status write the worker's age stands in for its heartbeat.
    const last = Date.parse(status.status === "running" ? status.updated : record.startedAt);
    const silentMs = this.#now().getTime() - last;
    if (silentMs > this.#config.heartbeatTimeoutMs) {
      return `worker stopped responding: no heartbeat for ${Math.round(silentMs / 1000)} s`;
    }
    return undefined;
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
    this.#logger.warn({ jobId, workerPid: record?.pid, reason }, "job failed");
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
