import fs from "node:fs/promises";
import path from "node:path";
import { logText } from "./job-log.js";
import type { JobStore } from "./job-store.js";
import { publishStagingDir } from "./publish-paths.js";

// A job that failed as a whole leaves the same account whoever notices: the API (a worker that could not
// start, a job that timed out) or the in-process runner (a job that could not be published). Both call this.

/** The line job_log.txt has carried since the seed when a job fails as a whole; the reason follows it. */
export const FAILURE_LINE = "Exception occurred, preprocessing failed";

/**
 * Writes job_log.txt as the log so far, the failure line and the reason, and removes what the job leaves
 * behind. The log is replaced, not appended to, so recording the failure again (an API that stopped half-way)
 * says it once. Tries both steps, so a full volume that refuses the log still gets its staging back; then
 * throws the first error.
 */
export async function recordFailure(store: JobStore, jobId: string, reason: string): Promise<void> {
  const steps = await Promise.allSettled([
    writeFailureLog(store, jobId, reason),
    removeLeftovers(store, jobId),
  ]);
  const failed = steps.find((step) => step.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}

async function writeFailureLog(store: JobStore, jobId: string, reason: string): Promise<void> {
  // A running job's log is assembled from its tasks; a job that never ran has what its file holds.
  const text = await store.readLog(jobId);
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const before = lines.includes(FAILURE_LINE) ? lines.slice(0, lines.indexOf(FAILURE_LINE)) : lines;
  await store.writeLog(jobId, logText([...before, FAILURE_LINE, reason]));
}

/** Removes what an unfinished job may leave: its staged imagery, scratch files and a half-assembled publication. */
export async function removeLeftovers(store: JobStore, jobId: string): Promise<void> {
  await store.removeStagedImagery(jobId);
  await fs.rm(store.layout(jobId).scratch, { recursive: true, force: true });
  const { resolved } = await store.readSpec(jobId);
  const publishDir = path.join(resolved.imageryStorage, resolved.publishPath);
  await fs.rm(publishStagingDir(publishDir), { recursive: true, force: true });
}
