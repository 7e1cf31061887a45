import fs from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";

// Staging copies a scene off the shared volume into the job's imagery/ folder, then archives it as the seed
// did (<scene_id>.tar.gz holding the folder's files at its root).

export interface StagedScene {
  readonly dir: string;
  readonly archive: string;
}

export async function copyScene(sourceDir: string, imageryDir: string, sceneId: string): Promise<string> {
  const target = path.join(imageryDir, sceneId);
  await fs.mkdir(imageryDir, { recursive: true });
  await fs.cp(sourceDir, target, { recursive: true, errorOnExist: true, force: false });
  return target;
}

/** gzip-compressed tar of the staged folder, written under a temporary name first. */
export async function archiveScene(stagedDir: string): Promise<string> {
  const archive = `${stagedDir}.tar.gz`;
  const partial = `${archive}.partial`;
  await execa("tar", ["-czf", partial, "-C", stagedDir, "."]);
  await fs.rename(partial, archive);
  return archive;
}

/** A zipped scene is staged as the zip itself: it is already one archive, and it is read in place. */
export async function copySceneArchive(sourceZip: string, imageryDir: string): Promise<string> {
  const target = path.join(imageryDir, path.basename(sourceZip));
  await fs.mkdir(imageryDir, { recursive: true });
  await fs.copyFile(sourceZip, target, fs.constants.COPYFILE_EXCL);
  return target;
}
