import { errorMessage } from "../common/errors.js";
import { describeExit, describeWorker, type Executor, type WorkerExit } from "../executors/executor.js";
import type { WorkerRecord } from "../executors/worker-record.js";
import type { Logger } from "../logging/create-logger.js";
import type { JobEndings } from "./job-endings.js";
import type { JobReports } from "./job-reports.js";
import type { JobStore } from "./job-store.js";
import type { KeyedLock } from "./keyed-lock.js";
import { finishJob } from "./finish-job.js";
import { isTerminal, type StatusDocument } from "./status-document.js";
import { taskCount } from "./task-aggregate.js";
import { isTaskEnded, type TaskDocument, type TaskRuns } from "./task-document.js";
import { isSettled, planJob, sameWorker, type RunningJob } from "./running-job.js";
import { abandonTask } from "./task-abandon.js";
import { markRunning } from "./transitions.js";
import { workerProblem, type HealthRules } from "./worker-health.js";

// Runs the jobs the scheduler starts, as tasks (one per scene; task-document.ts), each in a worker of its own:
// at most `parallel` of a job's workers at once, a new one started as each ends. A worker that ends without its
// task having ended (OOM kill, eviction, node lost, deadline, a crash) died of its infrastructure: its task is
// run again, up to SCENE_RETRIES times, and only once the executor has said the old worker is gone, so a
// scene never runs twice at once. A task that ends on its data (not found, a corrupt band) is never retried.
// When every task has ended the job is finished (finish-job.ts: assembled, published once). Everything is
// read back from the job directory, so an API that takes over (a restart, a new leader) adopts the workers
// that still run and counts those that ended meanwhile once.
//
// Callers hold the job's lock for begin, adopt and cancel; the dispatcher takes it for what it starts itself.

export interface TaskDispatcherDeps {
  readonly store: JobStore;
  readonly executor: Executor;
  readonly endings: JobEndings;
  readonly reports: JobReports;
  readonly lock: KeyedLock;
  readonly logger: Logger;
  readonly now: () => Date;
  /** How long one worker may run (JOB_TIMEOUT). */
  readonly jobTimeoutMs: number;
  readonly heartbeatTimeoutMs: number;
  /** MAX_PARALLEL_SCENES: most workers of one job at once. */
  readonly maxParallelScenes: number;
  /** SCENE_RETRIES: reruns of a task whose worker died before finishing it. */
  readonly sceneRetries: number;
  /** Local workers share the job's cores; Kubernetes workers each ask for all of them. */
  readonly sharesCores: boolean;
  /** Told when a job has ended here, so that the next queued job can start. */
  readonly onSlotFreed: () => Promise<void>;
}

export class TaskDispatcher {
  readonly #deps: TaskDispatcherDeps;
  readonly #jobs = new Map<string, RunningJob>();

  constructor(deps: TaskDispatcherDeps) {
    this.#deps = deps;
  }

  /** Jobs running here (each holds a MAX_CONCURRENT_JOBS slot). */
  get runningCount(): number {
    return this.#jobs.size;
  }

  /** Workers running here, across jobs. */
  get workerCount(): number {
    let count = 0;
    for (const job of this.#jobs.values()) count += job.active.size;
    return count;
  }

  isRunning(jobId: string): boolean {
    return this.#jobs.has(jobId);
  }

  /** Starts an accepted job: marks it running and starts its first workers. The caller holds the job's lock. */
  async begin(jobId: string): Promise<void> {
    const { store, now, reports } = this.#deps;
    const status = await store.readStatus(jobId).catch(() => undefined);
    if (status?.status !== "accepted") return;
    const spec = await store.readSpec(jobId);
    await store.writeStatus(markRunning(status, now()));
    const job = planJob(status, spec.request?.cores ?? 1, this.#deps);
    this.#jobs.set(jobId, job);
    this.#deps.logger.info(
      { jobId, tasks: job.ids.length, parallel: job.parallel, threads: job.threads },
      "job started",
    );
    void reports.tell(jobId, "inProgress");
    await this.#fill(job);
  }

  /**
   * After a restart or a change of leader: takes over a running job from what its directory says. Workers
   * still running are followed, those that ended while no API watched are settled once, and the rest of the
   * job goes on. The caller holds the job's lock.
   */
  async adopt(jobId: string): Promise<void> {
    if (this.#jobs.has(jobId)) return;
    const { store, executor, endings, logger } = this.#deps;
    const status = await store.readStatus(jobId);
    if (status.status !== "running") return;
    if ((await store.readWorkerRecord(jobId)) !== undefined) {
      // A job started by a version that ran a whole job in one worker: it cannot be followed as tasks.
      await endings.fail(jobId, "the service was upgraded while this job ran; submit it again");
      return;
    }
    const spec = await store.readSpec(jobId);
    const job = planJob(status, spec.request?.cores ?? 1, this.#deps);
    this.#jobs.set(jobId, job);
    for (let index = 0; index < job.ids.length; index++) {
      const { task, runs } = await this.#readTask(jobId, index);
      const latest = runs?.attempts.at(-1);
      if (isSettled(task, runs)) {
        job.ended.add(index);
        continue;
      }
      // Not started, ended, or being started when the last API stopped: #fill starts it.
      if (latest?.worker === undefined || latest.ended !== undefined) continue;
      const exited = executor.follow(latest.worker);
      if (exited !== undefined || executor.isAlive(latest.worker)) {
        this.#watch(job, index, latest.attempt, latest.worker, exited);
        logger.info({ jobId, task: index, worker: describeWorker(latest.worker) }, "adopted running worker");
      } else {
        await this.#settle(
          job,
          index,
          latest.attempt,
          `worker is gone (${describeWorker(latest.worker)} has exited)`,
        );
      }
    }
    await this.#fill(job);
  }

  /**
   * Stops every worker of a job for a cancel (those this process runs, those recorded, and on Kubernetes any
   * Job labelled with it), and forgets it. Works on any replica. The caller holds the job's lock.
   */
  async cancel(jobId: string, status: StatusDocument): Promise<boolean> {
    const { store, executor } = this.#deps;
    const job = this.#jobs.get(jobId);
    this.#jobs.delete(jobId);
    const records: WorkerRecord[] = [...(job?.active.values() ?? [])].map((w) => w.record);
    for (let index = 0; index < taskCount(status); index++) {
      const runs = await store.readTaskRuns(jobId, index).catch(() => undefined);
      for (const { worker } of runs?.attempts ?? []) {
        if (worker !== undefined && !records.some((r) => sameWorker(r, worker))) records.push(worker);
      }
    }
    await executor.stopAll(jobId, records);
    return records.length > 0;
  }

  /** Periodic check of every worker: alive, inside JOB_TIMEOUT, heard from; and jobs ended elsewhere dropped. */
  async check(): Promise<void> {
    const { lock, logger } = this.#deps;
    for (const job of [...this.#jobs.values()]) {
      await lock
        .run(job.jobId, () => this.#checkJob(job))
        .catch((error: unknown) => logger.error({ jobId: job.jobId, err: error }, "worker check failed"));
    }
  }

  async #checkJob(job: RunningJob): Promise<void> {
    const { store, executor } = this.#deps;
    if (this.#jobs.get(job.jobId) !== job) return;
    const status = await store.readRawStatus(job.jobId);
    if (status.status !== "running") {
      // Cancelled on another replica, or failed: its workers are (being) stopped there.
      await this.#forget(job);
      return;
    }
    for (const [index, worker] of [...job.active]) {
      const task = await store.readTask(job.jobId, index).catch(() => undefined);
      const heard = task?.attempt === worker.attempt ? new Date(task.updated) : undefined;
      // A followed worker that is gone is reported by its exit, with the executor's reason. (Checked after the
      // read, with no wait before workerProblem checks it again.)
      if (worker.followed && !executor.isAlive(worker.record)) continue;
      const problem = await workerProblem(worker.record, heard, this.#rules());
      if (problem === undefined) continue;
      job.active.delete(index);
      await executor.stop(worker.record);
      await this.#settle(job, index, worker.attempt, problem);
    }
    await this.#fill(job);
  }

  /** Starts workers for waiting tasks while the job has room; finishes the job once every task has ended. */
  async #fill(job: RunningJob): Promise<void> {
    for (let index = 0; index < job.ids.length && job.active.size < job.parallel; index++) {
      if (job.ended.has(index) || job.active.has(index)) continue;
      if (this.#jobs.get(job.jobId) !== job) return;
      const { task, runs } = await this.#readTask(job.jobId, index);
      if (isSettled(task, runs)) {
        job.ended.add(index);
        continue;
      }
      const latest = runs?.attempts.at(-1);
      let attempt = (runs?.attempts.length ?? 0) + 1;
      if (latest !== undefined && latest.ended === undefined) {
        // A worker recorded as running that this process does not watch is left to the periodic check; an
        // attempt that an earlier API was starting when it stopped is started again, as the same attempt.
        if (latest.worker !== undefined) continue;
        attempt = latest.attempt;
      }
      if (!(await this.#start(job, index, attempt, runs))) return;
    }
    if (job.active.size === 0 && job.ended.size === job.ids.length && this.#jobs.get(job.jobId) === job) {
      await this.#finish(job);
    }
  }

  /** Starts one attempt at a task; false when the job had to be failed or has ended meanwhile. */
  async #start(
    job: RunningJob,
    index: number,
    attempt: number,
    runs: TaskRuns | undefined,
  ): Promise<boolean> {
    const { store, executor, logger } = this.#deps;
    const { jobId } = job;
    let record: WorkerRecord | undefined;
    const previous = (runs?.attempts ?? []).filter((a) => a.attempt !== attempt);
    try {
      // The attempt is recorded before its worker starts (which also makes tasks/, where the worker's output goes).
      await store.writeTaskRuns(jobId, { index, attempts: [...previous, { attempt }] });
      const started = await executor.start({
        jobId,
        jobDir: store.jobDir(jobId),
        task: { index, attempt },
        cores: job.cores,
        threads: job.threads,
        logs: store.layout(jobId).taskWorkerLogs(index, attempt),
      });
      record = started.record;
      await store.writeTaskRuns(jobId, { index, attempts: [...previous, { attempt, worker: record }] });
      this.#watch(job, index, attempt, record, started.exited);
    } catch (error) {
      logger.error({ jobId, task: index, err: error }, "could not start a worker");
      // A worker that started but could not be recorded would run unwatched: stop it.
      if (record !== undefined) await executor.stop(record).catch(() => undefined);
      await this.#failJob(job, `could not start the worker for ${job.ids[index]}: ${errorMessage(error)}`);
      return false;
    }
    logger.info({ jobId, task: index, attempt, worker: describeWorker(record) }, "worker started");
    // A cancel on another replica may have come between: it stopped the workers it knew of, not this one.
    const status = await store.readRawStatus(jobId).catch(() => undefined);
    if (status !== undefined && isTerminal(status.status)) {
      await executor.stop(record).catch(() => undefined);
      await this.#forget(job);
      return false;
    }
    return true;
  }

  #watch(
    job: RunningJob,
    index: number,
    attempt: number,
    record: WorkerRecord,
    exited: Promise<WorkerExit> | undefined,
  ): void {
    job.active.set(index, { attempt, record, followed: exited !== undefined });
    if (exited === undefined) return;
    void exited
      .then((exit) => this.#onExit(job, index, record, exit))
      .catch((error: unknown) =>
        this.#deps.logger.error(
          { jobId: job.jobId, task: index, err: error },
          "handling a worker's exit failed",
        ),
      );
  }

  async #onExit(job: RunningJob, index: number, record: WorkerRecord, exit: WorkerExit): Promise<void> {
    await this.#deps.lock.run(job.jobId, async () => {
      const worker = job.active.get(index);
      // Cancelled, stopped by a check, or the job forgotten: already handled.
      if (this.#jobs.get(job.jobId) !== job || worker?.record !== record) return;
      job.active.delete(index);
      const seeLog = exit.logHint === undefined ? "" : `; ${exit.logHint}`;
      await this.#settle(job, index, worker.attempt, `${describeExit(exit)}${seeLog}`);
      await this.#fill(job);
    });
  }

  /**
   * A worker of the task has ended: if its task did not end with it, the worker died, and the task is run again
   * (up to SCENE_RETRIES) or recorded failed with the reason.
   */
  async #settle(job: RunningJob, index: number, attempt: number, reason: string): Promise<void> {
    const { store, now, logger, sceneRetries } = this.#deps;
    const { jobId } = job;
    const { task, runs } = await this.#readTask(jobId, index);
    if (task !== undefined && task.attempt === attempt && isTaskEnded(task)) {
      job.ended.add(index);
      return;
    }
    const retried = attempt <= sceneRetries;
    const id = job.ids[index] ?? String(index);
    logger.warn({ jobId, task: index, attempt, reason, retried }, "worker died before its task ended");
    // Given up: the task's failure is written first, so that an API stopping in between finds the task ended.
    if (!retried) await abandonTask(store, jobId, { index, attempt, id, reason, task, now: now() });
    const attempts = (runs?.attempts ?? []).map((a) =>
      a.attempt === attempt ? { ...a, ended: { at: now().toISOString(), reason, retried } } : a,
    );
    await store.writeTaskRuns(jobId, { index, attempts });
    if (!retried) job.ended.add(index);
  }

  async #finish(job: RunningJob): Promise<void> {
    const { store, now, logger, reports } = this.#deps;
    this.#jobs.delete(job.jobId);
    try {
      const doc = await finishJob(store, job.jobId, { now, logger });
      logger.info({ jobId: job.jobId, status: doc.status }, "job finished");
    } catch (error) {
      logger.error({ jobId: job.jobId, err: error }, "could not finish the job");
      await this.#deps.endings.fail(job.jobId, errorMessage(error));
    }
    await reports.ended(job.jobId);
    this.#slotFreed();
  }

  /** The job cannot go on (a worker could not be started): its other workers are stopped and it fails. */
  async #failJob(job: RunningJob, reason: string): Promise<void> {
    const { executor, endings } = this.#deps;
    this.#jobs.delete(job.jobId);
    await executor
      .stopAll(
        job.jobId,
        [...job.active.values()].map((w) => w.record),
      )
      .catch(() => undefined);
    await endings.fail(job.jobId, reason);
    this.#slotFreed();
  }

  async #forget(job: RunningJob): Promise<void> {
    if (this.#jobs.get(job.jobId) !== job) return;
    this.#jobs.delete(job.jobId);
    await this.#deps.reports.ended(job.jobId);
    this.#slotFreed();
  }

  #slotFreed(): void {
    void this.#deps
      .onSlotFreed()
      .catch((error: unknown) => this.#deps.logger.error({ err: error }, "starting the next job failed"));
  }

  async #readTask(
    jobId: string,
    index: number,
  ): Promise<{ task: TaskDocument | undefined; runs: TaskRuns | undefined }> {
    const { store } = this.#deps;
    const [task, runs] = await Promise.all([store.readTask(jobId, index), store.readTaskRuns(jobId, index)]);
    return { task, runs };
  }

  #rules(): HealthRules {
    const { executor, now, jobTimeoutMs, heartbeatTimeoutMs } = this.#deps;
    return { executor, now: now(), jobTimeoutMs, heartbeatTimeoutMs };
  }
}
