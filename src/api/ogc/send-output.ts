import fs from "node:fs/promises";
import path from "node:path";
import type { Response } from "express";
import { errnoCode } from "../../common/errors.js";
import { OutputNotFoundError } from "../api-errors.js";
import { mediaType } from "./ogc-values.js";

/**
 * Sends one of a job's published files, read-only, from its published folder only: the file's real path (every
 * symbolic link resolved) must lie inside the folder's real path, so a link to /etc/passwd or to another
 * folder is a 404 like any file that is not there. Caches may keep it for this client only.
 */
export async function sendOutput(res: Response, jobId: string, folder: string, file: string): Promise<void> {
  const inside = await realFileInside(folder, file);
  if (inside === undefined) throw new OutputNotFoundError(jobId, file);
  res.type(mediaType(file));
  res.setHeader("Cache-Control", "private, max-age=0");
  await new Promise<void>((resolve, reject) => {
    res.sendFile(inside, { dotfiles: "allow", cacheControl: false }, (error) => {
      // Once the file has started, an error is the client going away: there is no one left to answer.
      if (error === undefined || error === null || res.headersSent) resolve();
      else reject(new OutputNotFoundError(jobId, file));
    });
  });
}

/** The real path of folder/file when it is a regular file inside the folder's real path; else undefined. */
async function realFileInside(folder: string, file: string): Promise<string | undefined> {
  try {
    const root = await fs.realpath(folder);
    const real = await fs.realpath(path.join(root, file));
    if (!real.startsWith(`${root}${path.sep}`)) return undefined;
    return (await fs.stat(real)).isFile() ? real : undefined;
  } catch (error) {
    if (["ENOENT", "ENOTDIR", "ELOOP", "EACCES"].includes(errnoCode(error) ?? "")) return undefined;
    throw error;
  }
}
