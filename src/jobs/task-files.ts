import fs from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../common/atomic-write.js";
import { errnoCode } from "../common/errors.js";
import { CorruptJobError } from "./job-errors.js";

// Reading and writing the files in a job's tasks/ folder (task-document.ts), for the job store.

/** A task file read and checked; undefined when it is not there (yet). */
export async function readTaskFile<T>(
  jobId: string,
  file: string,
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown } },
): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CorruptJobError(`job ${jobId}: tasks/${path.basename(file)} is not valid JSON`, { cause });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new CorruptJobError(`job ${jobId}: tasks/${path.basename(file)} is invalid`, {
      cause: parsed.error,
    });
  return parsed.data;
}

/** Replaces a task file atomically, making tasks/ first if need be. */
export async function writeTaskFile(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
}
