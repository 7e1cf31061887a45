import { isTaskEnded, type TaskDocument, type TaskState } from "../jobs/task-document.js";
import type { ReportedDocument } from "./status-reporter.js";

// Every change the worker makes to its task's document goes through one of these pure functions, one per
// transition; only a running task changes.

/** A change to a task that has already ended: a bug in the worker. */
export class EndedTaskError extends Error {
  override readonly name = "EndedTaskError";
}

function requireRunning(doc: TaskDocument): void {
  if (isTaskEnded(doc)) throw new EndedTaskError(`task ${doc.index} has already ended ${doc.status}`);
}

/** An attempt at the task begins. */
export function startTask(index: number, attempt: number, now: Date): TaskDocument {
  const at = now.toISOString();
  return {
    index,
    attempt,
    status: "running",
    message: "Starting",
    outputs: [],
    percent: 0,
    started: at,
    updated: at,
    log: { staging: [], processing: [] },
  };
}

/** Progress and heartbeat: the message, the percent done, `updated`. */
export function progressTask(
  doc: TaskDocument,
  progress: { message?: string; percent?: number },
  now: Date,
): TaskDocument {
  requireRunning(doc);
  return {
    ...doc,
    message: progress.message ?? doc.message,
    percent: progress.percent === undefined ? doc.percent : Math.max(0, Math.min(100, progress.percent)),
    updated: now.toISOString(),
  };
}

/** Lines for job_log.txt: staging before "Preprocessing started", processing after it. */
export function logTask(
  doc: TaskDocument,
  part: keyof TaskDocument["log"],
  lines: readonly string[],
  now: Date,
): TaskDocument {
  requireRunning(doc);
  return { ...doc, log: { ...doc.log, [part]: [...doc.log[part], ...lines] }, updated: now.toISOString() };
}

export interface TaskEnd {
  readonly status: Exclude<TaskState, "running">;
  readonly message: string;
  readonly outputs?: readonly string[];
  /** Processing lines that end the task's part of job_log.txt. */
  readonly lines?: readonly string[];
  /** Seconds the scene's preprocessing took, when it made outputs. */
  readonly seconds?: number;
}

/** The task ends: successful, skipped, or failed on its data. */
export function endTask(doc: TaskDocument, end: TaskEnd, now: Date): TaskDocument {
  requireRunning(doc);
  const at = now.toISOString();
  return {
    ...doc,
    status: end.status,
    message: end.message,
    outputs: [...(end.outputs ?? [])],
    percent: 100,
    updated: at,
    finished: at,
    log: { ...doc.log, processing: [...doc.log.processing, ...(end.lines ?? [])] },
    ...(end.seconds === undefined ? {} : { seconds: end.seconds }),
  };
}

/** How the reporter writes task documents. */
export function taskDocumentKind(index: number): ReportedDocument<TaskDocument> {
  return {
    file: `tasks/${index}.json`,
    isOpen: (doc) => !isTaskEnded(doc),
    beat: (doc, now) => progressTask(doc, {}, now),
  };
}
