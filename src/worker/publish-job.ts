import fs from "node:fs/promises";
import path from "node:path";
import { JOB_FILES } from "../jobs/job-store.js";
import { publishStagingDir } from "../jobs/publish-paths.js";

// Publishing copies the job's results to IMAGERY_STORAGE/agricarta/preprocessing/<job_id>/, as the seed did,
// but assembles them under a hidden name and renames once: users never see a half-copied job.

const PUBLISHED = [JOB_FILES.output, JOB_FILES.log, JOB_FILES.spec] as const;

export async function publishJob(jobDir: string, publishDir: string): Promise<void> {
  const staging = publishStagingDir(publishDir);
  try {
    await fs.rm(staging, { recursive: true, force: true });
    await makeDirectory(staging);
    for (const name of PUBLISHED) {
      const source = path.join(jobDir, name);
      if (await exists(source)) await fs.cp(source, path.join(staging, name), { recursive: true });
    }
    await fs.rename(staging, publishDir);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw new Error(`publishing the results failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * mkdir -p that reports the real reason: Node's recursive mkdir says ENOENT when the volume is read-only.
 */
async function makeDirectory(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    if (code !== "ENOENT" || path.dirname(dir) === dir) throw error;
    await makeDirectory(path.dirname(dir));
    await fs.mkdir(dir).catch((again: unknown) => {
      if ((again as NodeJS.ErrnoException).code !== "EEXIST") throw again;
    });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
