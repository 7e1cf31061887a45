import fs from "node:fs/promises";
import path from "node:path";
import { DEFAULT_RESAMPLING } from "../common/resampling.js";
import { SceneSkippedError } from "../imagery/sensor.js";
import { clientMessage } from "../jobs/client-message.js";
import { removeSceneOutputs } from "../jobs/scene-outputs.js";
import { OutsideAreaOfInterestError, preprocessScene } from "../pipeline/preprocess-scene.js";
import { writeQuicklook } from "../pipeline/quicklook.js";
import { writeSceneMetadata } from "../pipeline/scene-metadata.js";
import type { SceneTaskContext } from "./stage-task-scene.js";
import { StatusWriteError } from "./status-reporter.js";
import type { TaskEnd } from "./task-transitions.js";

// A task's second part, once its scene is staged: plan the scene, run the pipeline, write its metadata, STAC
// Item and quicklook. A scene that fails on its data ends its task failed with the reason (nothing of it stays
// to be published); one the job leaves out (outside the area of interest, a beam mode PARAMS excludes) ends it
// skipped. Its log lines come after "Preprocessing started".

export async function preprocessTaskScene(
  ctx: SceneTaskContext,
  root: string,
): Promise<"successful" | "skipped" | "failed"> {
  const { spec, layout, job, progress } = ctx;
  const { request, resolved } = spec;
  if (request === undefined) throw new Error("job.json has no preprocessing request");
  const id = job.requested;
  const sceneId = job.scene.id;
  const outputRoot = layout.preprocess;
  const grid = { projection: resolved.projection, resolution: request.resolution };
  await progress.message("Preprocessing");
  const sceneStarted = performance.now();
  const scratchDir = path.join(layout.scratch, sceneId);
  let end: TaskEnd;
  try {
    await fs.mkdir(scratchDir, { recursive: true });
    const plan = await job.sensor.plan(root, job.scene, {
      bands: job.bands,
      product: job.product,
      reflectanceType: request.reflectance_type ?? "int16",
      mask: request.mask,
      harmonize: request.harmonize,
      radar: job.radar,
      srtmDir: resolved.srtmDir,
      scratchDir,
    });
    const result = await preprocessScene({
      sceneId,
      bands: plan.bands,
      qaMask: plan.qaMask,
      resampling: request.resampling ?? DEFAULT_RESAMPLING,
      resampClip: job.resampClip,
      outputRoot,
      grid,
      threads: ctx.threads,
      clip: request.clip,
      maxOutputPixels: resolved.maxOutputPixels,
      maskOutput: request.mask_output,
      scratchDir,
      onBand: () => progress.advance(1),
    });
    const metadataFiles = await writeSceneMetadata({
      jobId: spec.jobId,
      sceneId,
      metadata: plan.description,
      product: job.product,
      grid,
      outputRoot,
      metadataRoot: layout.metadata,
      outputs: result.outputs,
    });
    const quicklook = path.join(sceneId, `${sceneId}_quicklook.png`);
    await writeQuicklook(
      result.outputs.map((o) => ({ band: o.band, file: path.join(outputRoot, o.file) })),
      path.join(outputRoot, quicklook),
      plan.look,
    );
    const outputs = [
      ...[...result.outputs.map((o) => o.file), quicklook, result.stack, result.mask]
        .filter((file) => file !== undefined)
        .map((file) => layout.relative(path.join(outputRoot, file))),
      ...metadataFiles.map((file) => layout.relative(path.join(layout.output, file))),
    ];
    const notes = plan.notes ?? [];
    end = {
      status: "successful",
      message: ["Preprocessed", ...notes].join("; "),
      outputs,
      lines: [...notes.map((note) => `Image: ${id} NOTE: ${note}`), `Image: ${id} PREPROCESSED`],
      seconds: (performance.now() - sceneStarted) / 1000,
    };
  } catch (error) {
    // The task document could not be written: not the scene's fault, and not for this step to record.
    if (error instanceof StatusWriteError) throw error;
    end = await sceneFailure(ctx, error);
  } finally {
    await fs.rm(scratchDir, { recursive: true, force: true });
  }
  await progress.end(end);
  return end.status;
}

/** How a scene that could not be made ends its task. */
async function sceneFailure(ctx: SceneTaskContext, error: unknown): Promise<TaskEnd> {
  const id = ctx.job.requested;
  if (error instanceof SceneSkippedError) {
    return {
      status: "skipped",
      message: `Skipped: ${error.message}`,
      lines: [`Image: ${id} SKIPPED: ${error.message}`],
    };
  }
  if (error instanceof OutsideAreaOfInterestError) {
    return {
      status: "skipped",
      message: "Outside the area of interest: nothing to make",
      lines: [`Image: ${id} OUTSIDE AREA OF INTEREST`],
    };
  }
  const message = clientMessage(error);
  ctx.logger.warn({ scene: id, err: error }, "scene failed");
  await removeSceneOutputs(ctx.layout, ctx.job.scene.id);
  return {
    status: "failed",
    message: `Preprocessing failed: ${message}`,
    lines: [`Image: ${id} FAILED: ${message}`],
  };
}
