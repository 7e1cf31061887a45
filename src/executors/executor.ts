import type { WorkerRecord } from "./worker-record.js";

// How a task's worker is started, watched and stopped. A job runs as tasks (one per scene; task-document.ts),
// each in a worker of its own: the local executor runs it as a detached process on this machine, the Kubernetes
// executor as a batch/v1 Job. The job service only sees this interface.

/** Which task of a job a worker runs, and which attempt at it this is (1 for the first). */
export interface TaskRef {
  readonly index: number;
  readonly attempt: number;
}

/** What an executor needs to start a task's worker. */
export interface WorkerLaunch {
  readonly jobId: string;
  readonly jobDir: string;
  readonly task: TaskRef;
  /** The cores the job asked for: the worker's CPU request on Kubernetes. */
  readonly cores: number;
  /** The worker's GDAL threads: the job's cores, or its share of them when a local pool runs several tasks. */
  readonly threads: number;
  /** Where the worker's own output goes; the job store names these files, the executor writes them. */
  readonly logs: WorkerLogFiles;
}

/** The worker entry point's arguments for a launch: `<job dir> --task <i> --attempt <n> --threads <t>`. */
export function workerArguments(launch: WorkerLaunch): string[] {
  const { jobDir, task, threads } = launch;
  return [
    jobDir,
    "--task",
    String(task.index),
    "--attempt",
    String(task.attempt),
    "--threads",
    String(threads),
  ];
}

/** The files in a job's directory that receive its worker's own output. */
export interface WorkerLogFiles {
  /** Standard output, for an executor that keeps the streams apart (the local one). */
  readonly stdout: string;
  /** Standard error, likewise. */
  readonly stderr: string;
  /** Both streams in one file, as a pod's log gives them (the Kubernetes executor). */
  readonly combined: string;
}

export interface WorkerExit {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  /** The executor's own account of how the worker ended, where it has one (Kubernetes' reason). */
  readonly reason?: string | undefined;
  /** Where to read the worker's own output, in words ("see worker.stderr.log"), when the executor kept it. */
  readonly logHint?: string | undefined;
}

/**
 * Where a started worker is before it first reports: running, or still waiting for its turn (a node with room,
 * an image being pulled), or stuck in a way that waiting will not mend (an image that cannot be pulled).
 */
export type WorkerStartup =
  /** since: when it started running, where the executor knows (a pod's start); its silence counts from then. */
  | { readonly state: "running"; readonly since?: Date | undefined }
  | { readonly state: "waiting"; readonly reason: string }
  | { readonly state: "stuck"; readonly reason: string };

export interface StartedWorker {
  readonly record: WorkerRecord;
  /** Settles when the worker ends, however it ends. */
  readonly exited: Promise<WorkerExit>;
}

export interface Executor {
  /** Starts the worker for a job and returns at once. */
  start(launch: WorkerLaunch): Promise<StartedWorker>;
  /**
   * Follows a worker that an earlier API process started: settles when it ends (at once when it already has).
   * undefined when this executor cannot follow it; then its life and heartbeat are checked instead.
   */
  follow(record: WorkerRecord): Promise<WorkerExit> | undefined;
  /** Whether the worker described by the record is still running. */
  isAlive(record: WorkerRecord): boolean;
  /** Asked when a worker has not reported for a while: has it started at all? */
  startup(record: WorkerRecord): Promise<WorkerStartup>;
  /** Stops the worker and everything it started; resolves once they are gone. */
  stop(record: WorkerRecord): Promise<void>;
  /**
   * Stops every worker of a job (a cancel): those recorded, and any this executor can find by the job's id
   * (Kubernetes: every Job labelled with it); resolves once they are gone.
   */
  stopAll(jobId: string, records: readonly WorkerRecord[]): Promise<void>;
  /** Releases what the executor holds (watches, connections). Workers keep running. */
  close(): Promise<void>;
}

/** A worker in words, for logs and job messages. */
export function describeWorker(record: WorkerRecord): string {
  return record.executor === "local"
    ? `pid ${record.pid} on ${record.host}`
    : `Kubernetes Job ${record.namespace}/${record.name}`;
}

/** How a worker ended, in words: the executor's reason, else the exit code or signal. */
export function describeExit(exit: WorkerExit): string {
  if (exit.reason !== undefined) return exit.reason;
  return exit.signal === undefined ? `exit code ${exit.exitCode}` : `signal ${exit.signal}`;
}
