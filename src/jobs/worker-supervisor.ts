import { describeExit, describeWorker, type Executor, type WorkerExit } from "../executors/executor.js";
import type { WorkerRecord } from "../executors/worker-record.js";
import type { Logger } from "../logging/create-logger.js";
import type { JobEndings } from "./job-endings.js";
import type { JobReports } from "./job-reports.js";
import type { JobStore } from "./job-store.js";
import type { KeyedLock } from "./keyed-lock.js";
import { isTerminal, type StatusDocument } from "./status-document.js";
import { workerProblem, type HealthRules } from "./worker-health.js";

// Watches the running workers: how each one exits, a periodic check that each is alive and heard from, and
// retiring those that cannot be trusted. The worker owns its job's status while it runs; the supervisor ends
// the job only when the worker no longer can.

export interface WorkerSupervisorDeps {
  readonly store: JobStore;
  readonly executor: Executor;
  readonly endings: JobEndings;
  readonly reports: JobReports;
  readonly lock: KeyedLock;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly jobTimeoutMs: number;
  readonly heartbeatTimeoutMs: number;
  /** Told when a worker's slot may have come free, so the next job can start. */
  readonly onSlotFreed: () => Promise<void>;
}

export class WorkerSupervisor {
  readonly #deps: WorkerSupervisorDeps;
  readonly #running = new Map<string, WorkerRecord>();
  /** Jobs whose worker this process started and whose exit it is waiting for: the exit says how it ended. */
  readonly #awaitingExit = new Set<string>();

  constructor(deps: WorkerSupervisorDeps) {
    this.#deps = deps;
  }

  get runningCount(): number {
    return this.#running.size;
  }

  isWatching(jobId: string): boolean {
    return this.#running.has(jobId);
  }

  /** Watches a running worker; where the executor can tell, its exit, once it comes, says how the job ended. */
  watch(jobId: string, record: WorkerRecord, exited?: Promise<WorkerExit>): void {
    this.#running.set(jobId, record);
    if (exited !== undefined) this.#awaitExit(jobId, record, exited);
  }

  /** After a restart: adopts a worker an earlier process started, or retires it when it cannot be trusted. */
  async adopt(jobId: string, record: WorkerRecord, status: StatusDocument): Promise<void> {
    if (this.#running.has(jobId)) return;
    // An executor that can follow the worker reports how it ended, even if that was while no API ran.
    const exited = this.#deps.executor.follow(record);
    const problem = exited === undefined ? await workerProblem(record, status, this.#rules()) : undefined;
    if (problem !== undefined) return this.#retire(jobId, record, problem);
    this.watch(jobId, record, exited);
    this.#deps.logger.info({ jobId, worker: describeWorker(record) }, "adopted running worker");
  }

  /** Stops a job's worker, if it has one, for a cancel; the caller holds the job's lock. */
  async stop(jobId: string): Promise<boolean> {
    const record = this.#running.get(jobId) ?? (await this.#deps.store.readWorkerRecord(jobId));
    this.#running.delete(jobId);
    if (record !== undefined) await this.#deps.executor.stop(record);
    return record !== undefined;
  }

  /** Periodic check of every running worker: alive, inside JOB_TIMEOUT, and its heartbeat fresh. */
  async check(): Promise<void> {
    const { store, executor, reports, lock, logger } = this.#deps;
    for (const [jobId, record] of [...this.#running]) {
      await lock
        .run(jobId, async () => {
          if (this.#running.get(jobId) !== record) return;
          const status = await store.readStatus(jobId);
          if (isTerminal(status.status)) {
            this.#running.delete(jobId);
            await reports.ended(jobId);
            return;
          }
          // A worker of ours that is gone is reported by its exit handler, with its exit code or signal.
          if (this.#awaitingExit.has(jobId) && !executor.isAlive(record)) return;
          const problem = await workerProblem(record, status, this.#rules());
          if (problem === undefined) return;
          this.#running.delete(jobId);
          await this.#retire(jobId, record, problem);
        })
        .catch((error: unknown) => logger.error({ jobId, err: error }, "worker check failed"));
    }
    await this.#deps.onSlotFreed();
  }

  #awaitExit(jobId: string, record: WorkerRecord, exited: Promise<WorkerExit>): void {
    this.#awaitingExit.add(jobId);
    void exited
      .then((exit) => this.#onExit(jobId, record, exit))
      .catch((error: unknown) =>
        this.#deps.logger.error({ jobId, err: error }, "handling the worker's exit failed"),
      )
      .finally(() => this.#awaitingExit.delete(jobId));
  }

  async #onExit(jobId: string, record: WorkerRecord, exit: WorkerExit): Promise<void> {
    const { store, endings, reports, lock, logger } = this.#deps;
    await lock
      .run(jobId, async () => {
        // Cancelled, or already handled by a check: nothing more to do.
        if (this.#running.get(jobId) !== record) return;
        this.#running.delete(jobId);
        const seeLog = exit.logHint === undefined ? "" : `; ${exit.logHint}`;
        const reason = `worker stopped before finishing (${describeExit(exit)})${seeLog}`;
        await endings.fail(jobId, reason, record);
        logger.info({ jobId, status: (await store.readStatus(jobId)).status }, "worker ended");
        await reports.ended(jobId);
      })
      .catch((error: unknown) => logger.error({ jobId, err: error }, "handling worker exit failed"));
    await this.#deps.onSlotFreed();
  }

  /** Stops a worker that cannot be trusted (a hung one may still be alive) and fails its job. */
  async #retire(jobId: string, record: WorkerRecord, reason: string): Promise<void> {
    await this.#deps.executor.stop(record);
    await this.#deps.endings.fail(jobId, reason, record);
  }

  #rules(): HealthRules {
    const { executor, now, jobTimeoutMs, heartbeatTimeoutMs } = this.#deps;
    return { executor, now: now(), jobTimeoutMs, heartbeatTimeoutMs };
  }
}
