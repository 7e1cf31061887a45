import type { WorkerRecord } from "../executors/worker-record.js";
import type { StatusDocument } from "./status-document.js";
import { isTaskEnded, type TaskDocument, type TaskRuns } from "./task-document.js";

// What the dispatcher (task-dispatcher.ts) keeps of a job it runs, and the rules it reads tasks by.

export interface ActiveWorker {
  readonly attempt: number;
  readonly record: WorkerRecord;
  /** Whether the executor reports this worker's exit; otherwise the periodic check finds it gone. */
  readonly followed: boolean;
}

export interface RunningJob {
  readonly jobId: string;
  /** The scenes' ids as requested (an echo job's one task: "echo"), by task index. */
  readonly ids: readonly string[];
  readonly parallel: number;
  readonly cores: number;
  readonly threads: number;
  readonly active: Map<number, ActiveWorker>;
  /** Tasks known to have ended: never read again. */
  readonly ended: Set<number>;
}

/**
 * How a job's tasks run: at most MAX_PARALLEL_SCENES workers at once, and where workers share the job's cores
 * (the local executor) at most `cores` of them, each with its share of GDAL threads.
 */
export function planJob(
  status: StatusDocument,
  cores: number,
  limits: { readonly maxParallelScenes: number; readonly sharesCores: boolean },
): RunningJob {
  const { maxParallelScenes, sharesCores } = limits;
  const ids = status.processID === "echo" ? ["echo"] : status.scenes.map((s) => s.id);
  const parallel = Math.max(1, Math.min(maxParallelScenes, ids.length, sharesCores ? cores : Infinity));
  const threads = sharesCores ? Math.max(1, Math.floor(cores / parallel)) : cores;
  return { jobId: status.jobID, ids, parallel, cores, threads, active: new Map(), ended: new Set() };
}

/** A task is over when its latest attempt ended it, or when it was given up after its retries. */
export function isSettled(task: TaskDocument | undefined, runs: TaskRuns | undefined): boolean {
  const latest = runs?.attempts.at(-1);
  if (task !== undefined && isTaskEnded(task) && (latest === undefined || task.attempt >= latest.attempt))
    return true;
  return latest?.ended?.retried === false;
}

export function sameWorker(a: WorkerRecord, b: WorkerRecord): boolean {
  if (a.executor === "kubernetes" && b.executor === "kubernetes") return a.uid === b.uid;
  if (a.executor === "local" && b.executor === "local") return a.pid === b.pid && a.host === b.host;
  return false;
}
