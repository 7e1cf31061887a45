import { errorMessage } from "../common/errors.js";
import { describeWorker, type Executor, type StartedWorker } from "../executors/executor.js";
import type { Logger } from "../logging/create-logger.js";
import { FairQueue } from "./fair-queue.js";
import type { JobEndings } from "./job-endings.js";
import type { JobReports } from "./job-reports.js";
import type { JobStore } from "./job-store.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { WorkerSupervisor } from "./worker-supervisor.js";

// Accepted jobs wait here until a slot is free (at most MAX_CONCURRENT_JOBS workers), then their worker is
// started and handed to the supervisor. The queue is fair between owners (fair-queue.ts).

export interface JobSchedulerDeps {
  readonly store: JobStore;
  readonly executor: Executor;
  readonly supervisor: WorkerSupervisor;
  readonly endings: JobEndings;
  readonly reports: JobReports;
  readonly lock: KeyedLock;
  readonly logger: Logger;
  readonly maxConcurrentJobs: number;
}

export class JobScheduler {
  readonly #deps: JobSchedulerDeps;
  readonly #queue = new FairQueue();
  #pumping = false;

  constructor(deps: JobSchedulerDeps) {
    this.#deps = deps;
  }

  get queuedCount(): number {
    return this.#queue.length;
  }

  queuedCountOf(owner: string): number {
    return this.#queue.countOf(owner);
  }

  isQueued(jobId: string): boolean {
    return this.#queue.has(jobId);
  }

  /** Queues an accepted job behind its owner's earlier ones. */
  enqueue(jobId: string, owner: string): void {
    this.#queue.push(jobId, owner);
  }

  /** Takes a job out of the queue (cancelled while waiting). */
  dequeue(jobId: string): void {
    this.#queue.remove(jobId);
  }

  /** Counts an adopted worker as its owner's latest start, so others go first. */
  noteRunning(owner: string): void {
    this.#queue.noteStart(owner);
  }

  /** Starts queued jobs while there are free slots. */
  async pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      const { supervisor, maxConcurrentJobs } = this.#deps;
      while (supervisor.runningCount < maxConcurrentJobs) {
        const jobId = this.#queue.shift();
        if (jobId === undefined) break;
        await this.#deps.lock.run(jobId, () => this.#launch(jobId));
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Starts a queued job's worker, under the job's lock so that a cancel cannot slip in between. */
  async #launch(jobId: string): Promise<void> {
    const { store, executor, supervisor, endings, reports } = this.#deps;
    const log = this.#deps.logger.child({ jobId });
    const status = await store.readStatus(jobId).catch(() => undefined);
    if (status?.status !== "accepted") return;
    let started: StartedWorker | undefined;
    try {
      const spec = await store.readSpec(jobId);
      started = await executor.start({
        jobId,
        jobDir: store.jobDir(jobId),
        cores: spec.request?.cores ?? 1,
        logs: store.workerLogFiles(jobId),
      });
      await store.writeWorkerRecord(jobId, started.record);
    } catch (error) {
      log.error({ err: error }, "could not start worker");
      // A worker that started but could not be recorded would run unwatched: stop it.
      if (started !== undefined) await executor.stop(started.record).catch(() => undefined);
      await endings.fail(jobId, `could not start the worker: ${errorMessage(error)}`);
      return;
    }
    supervisor.watch(jobId, started.record, started.exited);
    log.info({ worker: describeWorker(started.record) }, "worker started");
    void reports.tell(jobId, "inProgress");
  }
}
