import fs from "node:fs/promises";
import { errnoCode } from "../common/errors.js";

// What a path on the imagery storage is, for the sensors' storage lookups (fs.stat alone, no GDAL).

/** "dir", "file", or undefined when nothing is there; other errors (permissions, I/O) are thrown. */
export async function statKind(file: string): Promise<"dir" | "file" | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isDirectory() ? "dir" : stat.isFile() ? "file" : undefined;
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}
