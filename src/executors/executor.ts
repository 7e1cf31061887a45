import type { WorkerRecord } from "../jobs/job-store.js";

// How a job's worker is started, watched and stopped. The local executor runs it as a detached process on this
// machine; a Kubernetes executor will run it as a batch/v1 Job. The job service only sees this interface.

export interface WorkerExit {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
}

export interface StartedWorker {
  readonly record: WorkerRecord;
  /** Settles when the worker process ends, however it ends. */
  readonly exited: Promise<WorkerExit>;
}

export interface Executor {
  /** Starts the worker on a job directory and returns at once. */
  start(jobDir: string): Promise<StartedWorker>;
  /** Whether the worker described by the record is still running. */
  isAlive(record: WorkerRecord): boolean;
  /** Stops the worker and everything it started; resolves once they are gone. */
  stop(record: WorkerRecord): Promise<void>;
}
