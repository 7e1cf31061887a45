import fs from "node:fs/promises";
import path from "node:path";
import { errnoCode, errorMessage } from "../common/errors.js";
import type { JobLayout } from "./job-layout.js";
import { publishStagingDir } from "./publish-paths.js";

// Publishing copies the job's results to IMAGERY_STORAGE/agricarta/preprocessing/<job_id>/, as the seed did,
// but assembles them under a hidden name and renames once: users never see a half-copied job. What is
// published, and under which names, the job's layout says (the outputs, job_log.txt and job.json).

export async function publishJob(layout: JobLayout, publishDir: string): Promise<void> {
  const staging = publishStagingDir(publishDir);
  try {
    await fs.rm(staging, { recursive: true, force: true });
    await makeDirectory(staging);
    for (const source of layout.published) {
      const target = path.join(staging, path.basename(source));
      if (await exists(source)) await fs.cp(source, target, { recursive: true });
    }
    await fs.rename(staging, publishDir);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw new Error(`publishing the results failed: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * mkdir -p that reports the real reason: Node's recursive mkdir says ENOENT when the volume is read-only.
 */
async function makeDirectory(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir);
  } catch (error) {
    const code = errnoCode(error);
    if (code === "EEXIST") return;
    if (code !== "ENOENT" || path.dirname(dir) === dir) throw error;
    await makeDirectory(path.dirname(dir));
    await fs.mkdir(dir).catch((again: unknown) => {
      if (errnoCode(again) !== "EEXIST") throw again;
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
