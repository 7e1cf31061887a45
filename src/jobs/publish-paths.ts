import path from "node:path";

// Where a job's results are published on IMAGERY_STORAGE, and the hidden name they are assembled under first.

export const PUBLISH_ROOT = path.join("agricarta", "preprocessing");

export function publishPathFor(jobId: string): string {
  return path.join(PUBLISH_ROOT, jobId);
}

/** The results are copied here, then renamed to the published path in one step. */
export function publishStagingDir(publishDir: string): string {
  return path.join(path.dirname(publishDir), `.${path.basename(publishDir)}.partial`);
}
