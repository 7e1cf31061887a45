import { z } from "zod";
import { WorkerRecordSchema } from "../executors/worker-record.js";

// A job runs as tasks, each in a worker process (a pod on Kubernetes) of its own: a preprocessing job has one task
// per scene, in the request's order; an echo job has one task. Two files per task in the job's tasks/ folder:
//
// - tasks/<index>.json, the task's document: written by the worker that runs it (only ever one at a time), and
//   by the API only when no worker runs the task (to record that it failed after its retries);
// - tasks/<index>.runs.json, its attempts: written by the API that leads (which worker ran each attempt, and
//   how an attempt that did not finish ended).
//
// The job's status document and job_log.txt are assembled from them (task-aggregate.ts, job-log.ts).

export const TaskStateSchema = z.enum(["running", "successful", "skipped", "failed"]);
export type TaskState = z.infer<typeof TaskStateSchema>;

const timestamp = z.iso.datetime();

export const TaskDocumentSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  /** Which attempt wrote this document (1 for the first). */
  attempt: z.number().int().positive(),
  status: TaskStateSchema,
  /** The scene's message, as the status document shows it. */
  message: z.string(),
  /** Output files, relative to the job directory (and to its published folder). */
  outputs: z.array(z.string()),
  /** How far the task is, 0-100. */
  percent: z.number().min(0).max(100),
  started: timestamp,
  /** Refreshed by the worker's heartbeat while it runs. */
  updated: timestamp,
  finished: timestamp.optional(),
  /** Its lines for job_log.txt: staging (before "Preprocessing started") and processing (after). */
  log: z.strictObject({ staging: z.array(z.string()), processing: z.array(z.string()) }),
  /** Seconds the scene's preprocessing took, when it made outputs (for the API's metrics). */
  seconds: z.number().nonnegative().optional(),
});
export type TaskDocument = z.infer<typeof TaskDocumentSchema>;

export function isTaskEnded(doc: TaskDocument): boolean {
  return doc.status !== "running";
}

export const TaskAttemptSchema = z.strictObject({
  attempt: z.number().int().positive(),
  /**
   * The worker running the attempt; absent while it is being started (the attempt is written first, so that an
   * API stopping in between starts the same attempt again: the Kubernetes executor then finds the attempt's Job
   * by its name rather than making a second).
   */
  worker: WorkerRecordSchema.optional(),
  /** Set when the attempt's worker ended without the task ending: why (e.g. OOMKilled), and whether it was retried. */
  ended: z.strictObject({ at: timestamp, reason: z.string(), retried: z.boolean() }).optional(),
});
export type TaskAttempt = z.infer<typeof TaskAttemptSchema>;

export const TaskRunsSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  attempts: z.array(TaskAttemptSchema),
});
export type TaskRuns = z.infer<typeof TaskRunsSchema>;
