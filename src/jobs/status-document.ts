import { z } from "zod";

// The job's status document (status.json): OGC API - Processes statusInfo plus one entry per scene.

export const JobStateSchema = z.enum(["accepted", "running", "successful", "failed", "dismissed"]);
export type JobState = z.infer<typeof JobStateSchema>;

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(["successful", "failed", "dismissed"]);

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}

/** skipped: the scene lies outside the job's area of interest, so there is nothing to make from it. */
export const SceneStateSchema = z.enum(["pending", "running", "successful", "skipped", "failed"]);
export type SceneState = z.infer<typeof SceneStateSchema>;

export const SceneEntrySchema = z.strictObject({
  id: z.string(),
  status: SceneStateSchema,
  message: z.string(),
  /** Output files, relative to the job's published directory. */
  outputs: z.array(z.string()),
});
export type SceneEntry = z.infer<typeof SceneEntrySchema>;

const timestamp = z.iso.datetime();

export const StatusDocumentSchema = z.strictObject({
  jobID: z.uuid(),
  processID: z.enum(["preprocessing", "echo"]),
  type: z.literal("process"),
  status: JobStateSchema,
  message: z.string(),
  progress: z.number().int().min(0).max(100),
  created: timestamp,
  started: timestamp.optional(),
  finished: timestamp.optional(),
  /** Refreshed by the worker's heartbeat while it runs. */
  updated: timestamp,
  scenes: z.array(SceneEntrySchema),
  /** Where the results are published, relative to IMAGERY_STORAGE; set once published. */
  outputDir: z.string().optional(),
});
export type StatusDocument = z.infer<typeof StatusDocumentSchema>;
