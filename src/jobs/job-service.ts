import { buildEchoSpec, buildJobSpec } from "./build-job-spec.js";
import type { EchoInputs, JobRequest } from "./job-spec.js";
import { createJobRoles, type JobRoles, type JobServiceDeps } from "./job-roles.js";
import type { JobPage, JobStore, ListOptions } from "./job-store.js";
import type { Submission, SubmitOptions } from "./job-submission.js";
import { isTerminal, type StatusDocument } from "./status-document.js";
import { createAccepted, InvalidTransitionError } from "./transitions.js";

// The API's side of the job life cycle, as one object for the routes and the server. The work is done by its
// roles: submission (job-submission.ts), the scheduler (job-scheduler.ts), the dispatcher of the jobs' tasks to
// workers (task-dispatcher.ts), reconciliation with the working directory (reconcile-jobs.ts) and the
// retention sweep (retention-sweep.ts), all under one keyed lock (keyed-lock.ts). Every replica of the API
// answers and accepts jobs; only the one that leads (start()) runs the queue, the workers and the sweep.

export { IdempotencyConflictError, QueueFullError } from "./submission-errors.js";
export type { JobServiceDeps } from "./job-roles.js";
export type { Submission, SubmitOptions } from "./job-submission.js";

export class JobService {
  readonly #deps: JobServiceDeps;
  readonly #store: JobStore;
  readonly #roles: JobRoles;
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(deps: JobServiceDeps) {
    this.#deps = deps;
    this.#store = deps.store;
    this.#roles = createJobRoles(deps);
  }

  /**
   * Starts leading: reconciles the job directories with the workers that are really running (adopting them),
   * then runs the queue, watches the workers and looks for jobs other replicas accepted.
   */
  async start(): Promise<void> {
    this.#roles.scheduler.lead();
    await this.reconcile();
    const { config, checkIntervalMs = 2_000 } = this.#deps;
    const shortest = Math.min(config.jobRetentionMs, config.resultsRetentionMs ?? Infinity);
    const sweepMs = this.#deps.retentionIntervalMs ?? Math.min(10 * 60_000, Math.max(1_000, shortest / 10));
    this.#every(checkIntervalMs, async () => {
      await this.#roles.dispatcher.check();
      await this.reconcile();
      await this.#roles.scheduler.pump();
    });
    this.#every(sweepMs, () => this.#sweepQuietly());
    await this.#roles.scheduler.pump();
    await this.#sweepQuietly();
  }

  /** Stops watching. Workers are left running: they belong to their jobs, not to this process. */
  stop(): void {
    this.#roles.scheduler.stopLeading();
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
  }

  /** Accepted jobs queued in creation order, running ones adopted with their workers (see reconcile-jobs.ts). */
  reconcile(): Promise<void> {
    return this.#roles.reconcile();
  }

  /** Removes jobs past JOB_RETENTION (and results past RESULTS_RETENTION); returns the removed job ids. */
  sweepExpired(): Promise<string[]> {
    return this.#roles.retention.sweep();
  }

  /** Accepts a preprocessing job for an owner (queue limits and Idempotency-Key: job-submission.ts). */
  submit(request: JobRequest, options: SubmitOptions): Promise<Submission> {
    return this.#roles.submission.submit(options, (jobId, now) => ({
      spec: withSubscriber(buildJobSpec(jobId, request, options.owner, this.#deps.config, now), options),
      status: createAccepted(jobId, request.imagery_list, now),
    }));
  }

  /** The echo process as a job: the worker waits `pause` seconds and returns the string. */
  submitEcho(echo: EchoInputs, options: SubmitOptions): Promise<Submission> {
    return this.#roles.submission.submit(options, (jobId, now) => ({
      spec: withSubscriber(buildEchoSpec(jobId, echo, options.owner, this.#deps.config, now), options),
      status: createAccepted(jobId, [], now, "echo"),
    }));
  }

  /** Dismisses a queued or running job; its running workers (and their children) are stopped first. */
  async cancel(jobId: string): Promise<StatusDocument> {
    const before = await this.#store.readStatus(jobId);
    if (isTerminal(before.status)) throw new InvalidTransitionError(before.status, "dismissed");
    const { lock, scheduler, dispatcher, endings } = this.#roles;
    return lock.run(jobId, async () => {
      scheduler.dequeue(jobId);
      const wasRunning = await dispatcher.cancel(jobId, before);
      const dismissed = await endings.dismiss(jobId);
      this.#deps.logger.info({ jobId, wasRunning }, "job dismissed");
      void scheduler.pump();
      return dismissed;
    });
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

  /** How many jobs are in each state (terminal documents are cached, so this stays cheap). */
  countByStatus(): Promise<Partial<Record<StatusDocument["status"], number>>> {
    return this.#store.countByStatus();
  }

  get queuedCount(): number {
    return this.#roles.scheduler.queuedCount;
  }

  /** Jobs running here: the leader's; 0 on another replica. */
  get runningCount(): number {
    return this.#roles.dispatcher.runningCount;
  }

  /** Workers running here, across jobs (scene pods or processes). */
  get workerCount(): number {
    return this.#roles.dispatcher.workerCount;
  }

  /** Whether this process leads (runs the queue and the workers). */
  get leading(): boolean {
    return this.#roles.scheduler.leading;
  }

  #every(intervalMs: number, work: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      work().catch((error: unknown) => this.#deps.logger.error({ err: error }, "periodic job work failed"));
    }, intervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  async #sweepQuietly(): Promise<void> {
    await this.sweepExpired().catch((error: unknown) =>
      this.#deps.logger.error({ err: error }, "retention sweep failed"),
    );
  }
}

function withSubscriber<T extends object>(spec: T, options: SubmitOptions): T {
  return options.subscriber === undefined ? spec : { ...spec, subscriber: options.subscriber };
}
