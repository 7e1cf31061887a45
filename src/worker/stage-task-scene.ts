import fs from "node:fs/promises";
import path from "node:path";
import { archiveScene, copyScene, copySceneArchive } from "../imagery/stage-scene.js";
import type { JobLayout } from "../jobs/job-layout.js";
import type { JobSpec } from "../jobs/job-spec.js";
import { removeSceneOutputs } from "../jobs/scene-outputs.js";
import type { Logger } from "../logging/create-logger.js";
import type { JobScene } from "./job-scenes.js";
import type { TaskProgress } from "./task-progress.js";

// A task's first part, as the seed staged each scene: find it on the imagery storage, copy it into the job and
// archive it (a zip is copied as it is; STAGING in_place reads it where it lies). Its log lines come before
// "Preprocessing started".

export interface SceneTaskContext {
  readonly spec: JobSpec;
  readonly layout: JobLayout;
  readonly job: JobScene;
  readonly progress: TaskProgress;
  /** GDAL threads for this task's worker. */
  readonly threads: number;
  readonly logger: Logger;
}

/** Removes what an earlier attempt at the scene may have left, so that this one starts clean and never mixes. */
export async function removeTaskLeftovers(layout: JobLayout, sceneId: string): Promise<void> {
  await removeSceneOutputs(layout, sceneId);
  await fs.rm(path.join(layout.scratch, sceneId), { recursive: true, force: true });
  for (const name of [sceneId, `${sceneId}.tar.gz`, `${sceneId}.tar.gz.partial`]) {
    await fs.rm(path.join(layout.imagery, name), { recursive: true, force: true });
  }
}

/** Where the scene is read from once staged; undefined when it was not found (the task has then ended failed). */
export async function stageTaskScene(ctx: SceneTaskContext): Promise<string | undefined> {
  const { spec, layout, job, progress } = ctx;
  const id = job.requested;
  await progress.message("Locating");
  const location = await job.sensor.locate(spec.resolved.imageryStorage, job.scene);
  if (!location.found) {
    await progress.log("staging", `Image: ${id} NOT FOUND`);
    await progress.end({ status: "failed", message: `Not found in imagery storage at ${location.where}` });
    return undefined;
  }
  await progress.log("staging", `Image: ${id} FOUND`);
  if (spec.resolved.staging === "in_place") {
    // Fast shared storage: read the scene where it lies; nothing is copied, nothing is written beside it.
    await progress.advance(2);
    return job.sensor.readRoot(location.source, location.kind, job.scene);
  }
  let root: string;
  if (location.kind === "zip") {
    // A zip is staged as it is (already one archive) and read in place through /vsizip/.
    await fs.rm(path.join(layout.imagery, path.basename(location.source)), { force: true });
    const zip = await copySceneArchive(location.source, layout.imagery);
    await progress.log("staging", `Image: ${id} COPIED`);
    await progress.advance(2);
    root = job.sensor.readRoot(zip, "zip", job.scene);
  } else {
    const dir = await copyScene(location.source, layout.imagery, job.scene.id);
    await progress.log("staging", `Image: ${id} COPIED`);
    await progress.advance(1);
    await archiveScene(dir);
    await progress.advance(1);
    root = job.sensor.readRoot(dir, "folder", job.scene);
  }
  await progress.message("Staged");
  return root;
}
