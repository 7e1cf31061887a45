import path from "node:path";
import type { Config } from "../config/config.js";
import type { Executor } from "../executors/executor.js";
import type { Logger } from "../logging/create-logger.js";
import { IdempotencyStore } from "./idempotency-store.js";
import { JobEndings } from "./job-endings.js";
import { JobReports } from "./job-reports.js";
import { JobScheduler } from "./job-scheduler.js";
import type { JobStore } from "./job-store.js";
import { JobSubmission } from "./job-submission.js";
import { KeyedLock } from "./keyed-lock.js";
import { PUBLISH_ROOT } from "./publish-paths.js";
import { reconcileJobs } from "./reconcile-jobs.js";
import { RetentionSweep } from "./retention-sweep.js";
import type { StatusDocument } from "./status-document.js";
import type { SubscriberNotifier } from "./subscriber-notifier.js";
import type { WorkerFigures } from "./worker-figures.js";
import { TaskDispatcher } from "./task-dispatcher.js";

// Wires the job service's roles to each other around one job store and one keyed lock, from the config.

export interface JobServiceDeps {
  readonly store: JobStore;
  readonly executor: Executor;
  readonly config: Config;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** How often running workers are checked for life and heartbeat, and the working directory for new jobs. */
  readonly checkIntervalMs?: number;
  /** How often finished jobs are checked against JOB_RETENTION (and results against RESULTS_RETENTION). */
  readonly retentionIntervalMs?: number;
  /** Sends OGC subscriber callbacks; none are sent without it. */
  readonly notifier?: SubscriberNotifier;
  /** Told once about each job this process saw end, with the worker's figures if it left any (metrics). */
  readonly onJobEnded?: (doc: StatusDocument, figures: WorkerFigures | undefined) => void;
}

export interface JobRoles {
  readonly lock: KeyedLock;
  readonly endings: JobEndings;
  readonly dispatcher: TaskDispatcher;
  readonly scheduler: JobScheduler;
  readonly submission: JobSubmission;
  readonly retention: RetentionSweep;
  /** Reconciliation with the working directory (reconcile-jobs.ts) on these roles. */
  readonly reconcile: () => Promise<void>;
}

export function createJobRoles(deps: JobServiceDeps): JobRoles {
  const { store, executor, config, logger, notifier, onJobEnded } = deps;
  const now = deps.now ?? (() => new Date());
  const lock = new KeyedLock();
  const idempotency = new IdempotencyStore(store.workingDir);
  const reports = new JobReports({ store, logger, notifier, onJobEnded });
  const endings = new JobEndings({ store, reports, logger, now });
  const dispatcher: TaskDispatcher = new TaskDispatcher({
    ...{ store, executor, endings, reports, lock, logger, now },
    jobTimeoutMs: config.jobTimeoutMs,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    maxParallelScenes: config.maxParallelScenes,
    sceneRetries: config.sceneRetries,
    sharesCores: config.executor.kind === "local",
    onSlotFreed: () => scheduler.pump(),
  });
  const scheduler = new JobScheduler({
    ...{ dispatcher, lock, logger },
    maxConcurrentJobs: config.maxConcurrentJobs,
  });
  const submission = new JobSubmission({
    ...{ store, idempotency, scheduler, lock, logger, now },
    maxQueuedJobs: config.maxQueuedJobs,
    maxQueuedJobsPerOwner: config.maxQueuedJobsPerOwner,
  });
  const retention = new RetentionSweep({
    ...{ store, idempotency, lock, logger, now },
    jobRetentionMs: config.jobRetentionMs,
    resultsRetentionMs: config.resultsRetentionMs,
    publishRoot: path.join(config.imageryStorage, PUBLISH_ROOT),
  });
  const reconcile = () => reconcileJobs({ store, scheduler, dispatcher, lock, logger });
  return { lock, endings, dispatcher, scheduler, submission, retention, reconcile };
}
