import fs from "node:fs/promises";
import path from "node:path";
import type { JobStore } from "./job-store.js";
import { publishStagingDir } from "./publish-paths.js";

// A job that failed as a whole leaves the same account whoever notices: the worker (its own error) or the API
// (a worker that died, went silent or could not start). Both call this one function.

/** The line job_log.txt has carried since the seed when a job fails as a whole; the reason follows it. */
export const FAILURE_LINE = "Exception occurred, preprocessing failed";

/**
 * Writes the failure and its reason to job_log.txt and removes what the job leaves behind. Tries both steps,
 * so a full volume that refuses the log line still gets its staging back; then throws the first error.
 */
export async function recordFailure(store: JobStore, jobId: string, reason: string): Promise<void> {
  const steps = await Promise.allSettled([
    store.appendLog(jobId, [FAILURE_LINE, reason]),
    removeLeftovers(store, jobId),
  ]);
  const failed = steps.find((step) => step.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}

/** Removes what an unfinished job may leave: its staged imagery and a half-assembled publication. */
export async function removeLeftovers(store: JobStore, jobId: string): Promise<void> {
  await store.removeStagedImagery(jobId);
  const { resolved } = await store.readSpec(jobId);
  const publishDir = path.join(resolved.imageryStorage, resolved.publishPath);
  await fs.rm(publishStagingDir(publishDir), { recursive: true, force: true });
}
