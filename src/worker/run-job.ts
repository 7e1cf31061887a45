import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { SceneSkippedError } from "../imagery/sensor.js";
import { archiveScene, copyScene, copySceneArchive } from "../imagery/stage-scene.js";
import { errorMessage } from "../common/errors.js";
import { JobLayout } from "../jobs/job-layout.js";
import { JobStore } from "../jobs/job-store.js";
import { MAX_ECHO_PAUSE_SECONDS, type JobSpec } from "../jobs/job-spec.js";
import { recordFailure } from "../jobs/record-failure.js";
import { isTerminal } from "../jobs/status-document.js";
import type { WorkerFigures } from "../jobs/worker-figures.js";
import { markFailed, markFinished, markProgress, markRunning, updateScene } from "../jobs/transitions.js";
import type { Logger } from "../logging/create-logger.js";
import { OutsideAreaOfInterestError, preprocessScene } from "../pipeline/preprocess-scene.js";
import { writeQuicklook } from "../pipeline/quicklook.js";
import { writeSceneMetadata } from "../pipeline/scene-metadata.js";
import { DEFAULT_RESAMPLING } from "../common/resampling.js";
import { jobScenes, type JobScene } from "./job-scenes.js";
import { publishJob } from "./publish-job.js";
import { StatusReporter } from "./status-reporter.js";

// One job, start to finish, as the seed's server_preprocessing.py did it: find and stage every scene, run the
// pipeline on those found, write job_log.txt, drop the staged imagery and publish. A scene that fails fails
// alone; the job fails as a whole only when it cannot go on.

export interface RunJobOptions {
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Waits before retrying a failed status.json write (tests shorten them). */
  readonly statusRetryDelaysMs?: readonly number[];
}

/** MB of GDAL block cache per worker. */
const WORKER_CACHE_MB = 256;

export type RunJobOutcome = "finished" | "failed" | "skipped";

export async function runJob(jobDir: string, options: RunJobOptions): Promise<RunJobOutcome> {
  const jobId = path.basename(jobDir);
  const store = new JobStore(path.dirname(jobDir));
  const spec = await store.readSpec(jobId);
  const initial = await store.readStatus(jobId);
  const logger = options.logger.child({ jobId });
  logger.level = spec.resolved.logLevel;
  if (initial.status !== "accepted") {
    logger.warn({ status: initial.status }, "job is not waiting to run; nothing to do");
    return "skipped";
  }
  const now = options.now ?? (() => new Date());
  const reporter = new StatusReporter(store, initial, {
    now,
    ...(options.statusRetryDelaysMs === undefined ? {} : { retryDelaysMs: options.statusRetryDelaysMs }),
  });
  await reporter.update(markRunning);
  reporter.startHeartbeat(spec.resolved.heartbeatIntervalMs);
  const log = (...lines: string[]): Promise<void> => store.appendLog(jobId, lines);
  try {
    if (spec.process === "echo") await runEcho(spec, reporter, store);
    else await processJob(store, spec, reporter, log, logger);
    return "finished";
  } catch (error) {
    // Clients read the status and job_log.txt; the full error, paths and all, is in the worker's own log.
    const message = withoutDirectories(errorMessage(error)) || "unknown error";
    logger.error({ err: error }, "job failed");
    await recordFailure(store, jobId, message).catch(() => undefined);
    // When the final status is what could not be written, the job fails from where it last stood, with the cause.
    await reporter.update((doc, at) =>
      markFailed(isTerminal(doc.status) ? reporter.lastOpen : doc, message, at),
    );
    return "failed";
  } finally {
    reporter.stopHeartbeat();
  }
}

async function processJob(
  store: JobStore,
  spec: JobSpec,
  reporter: StatusReporter,
  log: (...lines: string[]) => Promise<void>,
  logger: Logger,
): Promise<void> {
  const { request, resolved } = spec;
  if (request === undefined) throw new Error("job.json has no preprocessing request");
  const layout = store.layout(spec.jobId);
  const outputRoot = layout.preprocess;
  const scenes = jobScenes(spec);
  gdal.config.set("GDAL_NUM_THREADS", String(request.cores));
  // GDAL's block cache defaults to 5 % of the machine's memory; a worker needs far less (see npm run bench).
  gdal.config.set("GDAL_CACHEMAX", String(WORKER_CACHE_MB));

  await log(
    `Imagery names: ${request.imagery_list.join(",")}`,
    `Job id: ${spec.jobId}`,
    `Working dir: ${store.workingDir}`,
    `Resolution: ${request.resolution}`,
    `Delete intermediate: ${request.delete_intermediate ? "True" : "False"}`,
    `Cores: ${request.cores}`,
    `Product: ${[...new Set(scenes.map((s) => s.product))].join(",")}`,
  );

  // Work units for progress: staging and archiving each scene, then each of its bands.
  const totalUnits = scenes.reduce((sum, s) => sum + 2 + s.bands.length, 0);
  let doneUnits = 0;
  const advance = (units: number, message: string): Promise<void> => {
    doneUnits += units;
    return reporter.update((doc, at) =>
      markProgress(doc, { message, percent: (100 * doneUnits) / totalUnits }, at),
    );
  };
  const scene = (id: string, change: Parameters<typeof updateScene>[2]): Promise<void> =>
    reporter.update((doc, at) => updateScene(doc, id, change, at));

  const staged: { job: JobScene; root: string }[] = [];
  const figures: WorkerFigures = { sceneSeconds: {}, bytesWritten: 0 };
  for (const job of scenes) {
    const id = job.requested;
    await scene(id, { status: "running", message: "Locating" });
    const location = await job.sensor.locate(resolved.imageryStorage, job.scene);
    if (!location.found) {
      await log(`Image: ${id} NOT FOUND`);
      await scene(id, { status: "failed", message: `Not found in imagery storage at ${location.where}` });
      await advance(2 + job.bands.length, `${id} not found`);
      continue;
    }
    await log(`Image: ${id} FOUND`);
    if (resolved.staging === "in_place") {
      // Fast shared storage: read the scene where it lies; nothing is copied, nothing is written beside it.
      await advance(2, `${id} found`);
      staged.push({ job, root: job.sensor.readRoot(location.source, location.kind, job.scene) });
      continue;
    }
    if (location.kind === "zip") {
      // A zip is staged as it is (already one archive) and read in place through /vsizip/.
      const zip = await copySceneArchive(location.source, layout.imagery);
      await log(`Image: ${id} COPIED`);
      await advance(2, `${id} copied`);
      staged.push({ job, root: job.sensor.readRoot(zip, "zip", job.scene) });
    } else {
      const dir = await copyScene(location.source, layout.imagery, job.scene.id);
      await log(`Image: ${id} COPIED`);
      await advance(1, `${id} copied`);
      await archiveScene(dir);
      await advance(1, `${id} archived`);
      staged.push({ job, root: job.sensor.readRoot(dir, "folder", job.scene) });
    }
    await scene(id, { message: "Staged" });
  }

  await log("Preprocessing started");
  const grid = { projection: resolved.projection, resolution: request.resolution };
  for (const { job, root } of staged) {
    const id = job.requested;
    const sceneId = job.scene.id;
    await scene(id, { message: "Preprocessing" });
    const sceneStarted = performance.now();
    const scratchDir = path.join(layout.scratch, sceneId);
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
        threads: request.cores,
        clip: request.clip,
        maxOutputPixels: resolved.maxOutputPixels,
        maskOutput: request.mask_output,
        scratchDir,
        onBand: (band) => advance(1, `${id} ${band} done`),
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
      const published = [
        ...[...result.outputs.map((o) => o.file), quicklook, result.stack, result.mask]
          .filter((file) => file !== undefined)
          .map((file) => layout.relative(path.join(outputRoot, file))),
        ...metadataFiles.map((file) => layout.relative(path.join(layout.output, file))),
      ];
      const notes = plan.notes ?? [];
      for (const note of notes) await log(`Image: ${id} NOTE: ${note}`);
      const message = ["Preprocessed", ...notes].join("; ");
      await scene(id, { status: "successful", message, outputs: published });
      figures.sceneSeconds[id] = (performance.now() - sceneStarted) / 1000;
      await log(`Image: ${id} PREPROCESSED`);
    } catch (error) {
      if (error instanceof SceneSkippedError) {
        await scene(id, { status: "skipped", message: `Skipped: ${error.message}` });
        await log(`Image: ${id} SKIPPED: ${error.message}`);
        await advance(job.bands.length, `${id} skipped`);
        continue;
      }
      if (error instanceof OutsideAreaOfInterestError) {
        await scene(id, { status: "skipped", message: "Outside the area of interest: nothing to make" });
        await log(`Image: ${id} OUTSIDE AREA OF INTEREST`);
        await advance(job.bands.length, `${id} outside the area of interest`);
        continue;
      }
      // Clients read this message: file names stay, the server's directories do not.
      const message = withoutDirectories(errorMessage(error)) || "unknown error";
      logger.warn({ scene: id, err: error }, "scene failed");
      await fs.rm(path.join(outputRoot, sceneId), { recursive: true, force: true });
      await scene(id, { status: "failed", message: `Preprocessing failed: ${message}` });
      await log(`Image: ${id} FAILED: ${message}`);
    } finally {
      await fs.rm(scratchDir, { recursive: true, force: true });
    }
  }
  await fs.rm(layout.scratch, { recursive: true, force: true });
  await log("Preprocessing finished");

  // A job that made nothing publishes nothing: its log stays readable from the job until JOB_RETENTION.
  const publishDir = path.join(resolved.imageryStorage, resolved.publishPath);
  const produced = reporter.doc.scenes.some((s) => s.outputs.length > 0);
  if (produced) {
    await reporter.update((doc, at) => markProgress(doc, { message: "Publishing results" }, at));
    await publishJob(layout, publishDir);
  } else {
    await log("Nothing published: no scene produced output");
  }
  // The staged inputs (copy and .tar.gz) go once the job is over when it failed, or when delete_intermediate
  // asks; delete_intermediate also drops the outputs' working copy. Otherwise they stay in the job directory
  // until JOB_RETENTION removes it. (The warp's scratch file for each band is always removed at once.)
  if (request.delete_intermediate || reporter.doc.scenes.some((s) => s.status === "failed")) {
    await store.removeStagedImagery(spec.jobId);
  }
  if (request.delete_intermediate) await fs.rm(layout.output, { recursive: true, force: true });
  // Figures for the API's metrics, read from the job directory once the job has ended.
  figures.bytesWritten = produced ? await sizeOf(new JobLayout(publishDir).output) : 0;
  await store.writeFigures(spec.jobId, figures);
  await reporter.update((doc, at) => markFinished(doc, produced ? resolved.publishPath : undefined, at));
  logger.info({ status: reporter.doc.status, publishDir }, "job finished");
}

/** "/srv/work/x/imagery/S/S_B3.TIF, band 1: …" becomes "S_B3.TIF, band 1: …". */
function withoutDirectories(message: string): string {
  return message.replace(/(?:\/[^\s/,:;'"()]+)+\/([^\s/,:;'"()]+)/g, "$1").trim();
}

/** The echo process: waits `pause` seconds (heartbeat running), then returns its string as the job's result. */
async function runEcho(spec: JobSpec, reporter: StatusReporter, store: JobStore): Promise<void> {
  if (spec.echo === undefined) throw new Error("job.json has no echo inputs");
  const { stringInput } = spec.echo;
  // A job accepted before the cap may ask for longer: it gets the cap.
  const pause = Math.min(spec.echo.pause, MAX_ECHO_PAUSE_SECONDS);
  await reporter.update((doc, at) => markProgress(doc, { message: `Pausing ${pause} s` }, at));
  await new Promise((resolve) => setTimeout(resolve, pause * 1000));
  await store.writeResults(spec.jobId, { stringOutput: stringInput });
  await store.appendLog(spec.jobId, [`Echo: ${stringInput.length} character(s) after ${pause} s`]);
  await reporter.update((doc, at) => markFinished(doc, undefined, at));
}

/** Bytes in a folder's files, recursively (0 when it does not exist). */
async function sizeOf(dir: string): Promise<number> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}
