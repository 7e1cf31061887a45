import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

// Readers (the API, other replicas, users on the share) must never see a half-written file.

/** Writes to a temporary sibling, fsyncs it, then renames it over the target. */
export async function writeFileAtomic(target: string, data: string): Promise<void> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  const handle = await fs.open(temp, "wx");
  try {
    await handle.writeFile(data, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}
