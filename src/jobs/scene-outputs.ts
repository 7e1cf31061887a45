import fs from "node:fs/promises";
import path from "node:path";
import type { JobLayout } from "./job-layout.js";

// One scene's outputs in the job's working copy: its folder under output/preprocess/ and its metadata files.
// A scene that failed, or an attempt at it that died half-way, must leave none of them to be published.

export async function removeSceneOutputs(layout: JobLayout, sceneId: string): Promise<void> {
  await fs.rm(path.join(layout.preprocess, sceneId), { recursive: true, force: true });
  await fs.rm(path.join(layout.metadata, `${sceneId}.json`), { force: true });
  await fs.rm(path.join(layout.metadata, `${sceneId}.stac.json`), { force: true });
}
