import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { conversionVrt } from "./conversion-vrt.js";
import type { Clip } from "../common/area-of-interest.js";
import { writeMaskOutput } from "./mask-output.js";
import { checkOutputSize } from "./output-size.js";
import { maskBandXml } from "./qa-mask.js";
import { intersectExtents, prepareCutline } from "./clip-extent.js";
import { commonExtent, coveringExtent, projectedExtent, type Extent, type Grid } from "./grid.js";
import type { BandPlan, QaMask, SceneOutput, SceneResult } from "./scene-output.js";
import { writeSceneStack } from "./scene-stack.js";
import { errorMessage } from "../common/errors.js";
import {
  cogArguments,
  WARPED_FILE_ARGUMENTS,
  warpArguments,
  warpBand,
  type Resampling,
  type WarpOptions,
} from "./warp-band.js";

// A scene's bands through the pipeline: a prepare step where the plan has one (radar: calibration and speckle
// filter in the product's geometry, into scratch files), product conversion (virtual), warp onto the job grid,
// COG, into output/preprocess/<scene_id>/<scene_id>_<band>_<quantity>.tif.

export interface PreprocessSceneOptions {
  readonly sceneId: string;
  /** Each band: where its pixels are read and how they become the stored quantity (the sensor's plan). */
  readonly bands: readonly BandPlan[];
  /** The scene's quality file and which of its values drop a pixel in every band. */
  readonly qaMask?: QaMask | undefined;
  readonly resampling: Resampling;
  /** Every band on one extent: the footprint common to all of them. */
  readonly resampClip: boolean;
  /** output/preprocess of the job. */
  readonly outputRoot: string;
  readonly grid: Grid;
  readonly threads: number;
  /** Also write the mask as <scene_id>_qa_mask.tif (needs qaMask). */
  readonly maskOutput?: boolean | undefined;
  /** Cut every band to this area of interest (EPSG:4326). */
  readonly clip?: Clip | undefined;
  /** Most pixels one output band may have (MAX_OUTPUT_PIXELS); the scene fails before writing when above. */
  readonly maxOutputPixels?: number | undefined;
  /** Called after each band with the band's name. */
  readonly onBand?: ((band: string) => Promise<void> | void) | undefined;
  /** Where prepare steps write (the scene's scratch folder in the job); needed when a band has one. */
  readonly scratchDir?: string | undefined;
}

/** Runs a scene's plan: every band warped onto the job grid and written as a COG. */
export async function preprocessScene(options: PreprocessSceneOptions): Promise<SceneResult> {
  const prepared = options.bands.some((band) => band.prepare !== undefined);
  if (!prepared) return preprocessPlan(options, options.bands);
  if (options.scratchDir === undefined) throw new Error("a band's prepare step needs a scratch folder");
  await fs.mkdir(options.scratchDir, { recursive: true });
  const written: string[] = [];
  try {
    const plan: ReadyBand[] = [];
    for (const band of options.bands) {
      if (band.prepare === undefined) {
        plan.push(band);
        continue;
      }
      const target = path.join(options.scratchDir, `${options.sceneId}_${band.band}.prepared.tif`);
      written.push(target);
      try {
        await band.prepare.run(target, options.threads);
      } catch (error) {
        throw new Error(`band ${band.band} (${path.basename(band.source)}): ${errorMessage(error)}`, {
          cause: error,
        });
      }
      plan.push({ ...band, source: target, prepare: undefined, sourceNodata: band.prepare.nodata });
    }
    return await preprocessPlan(options, plan);
  } finally {
    await Promise.all(written.map((file) => fs.rm(file, { force: true })));
  }
}

/** A band ready to warp: its source is what the warp reads, whose nodata may be given. */
type ReadyBand = BandPlan & { readonly sourceNodata?: number | undefined };

async function preprocessPlan(
  options: PreprocessSceneOptions,
  plan: readonly ReadyBand[],
): Promise<SceneResult> {
  const qaMask = options.qaMask;
  const { grid } = options;
  const extents = (): Extent[] => plan.map((p) => projectedExtent(p.source, grid, p.transformer));
  const shared = options.resampClip ? sharedExtent(extents(), grid) : undefined;
  const covering = (): Extent => coveringExtent(extents(), grid.resolution);
  const limit = (extent: Extent): void => {
    if (options.maxOutputPixels !== undefined)
      checkOutputSize(extent, grid.resolution, options.maxOutputPixels);
  };
  if (options.clip === undefined) {
    limit(shared ?? covering());
    return processBands(options, plan, qaMask, {
      grid,
      extent: shared,
      threads: options.threads,
      resampling: options.resampling,
    });
  }
  const cutline = prepareCutline(options.clip, grid);
  try {
    const extent = intersectExtents(shared ?? covering(), cutline.extent);
    if (extent === undefined) {
      throw new OutsideAreaOfInterestError(`${options.sceneId} does not intersect the area of interest`);
    }
    limit(extent);
    return await processBands(options, plan, qaMask, {
      grid,
      extent,
      threads: options.threads,
      resampling: options.resampling,
      cutline: cutline.path,
    });
  } finally {
    cutline.release();
  }
}

/** A scene that lies wholly outside the job's area of interest: reported, not processed. */
export class OutsideAreaOfInterestError extends Error {
  override readonly name = "OutsideAreaOfInterestError";
}

async function processBands(
  options: PreprocessSceneOptions,
  plan: readonly ReadyBand[],
  qaMask: QaMask | undefined,
  warp: Omit<WarpOptions, "srcNodata" | "dstNodata">,
): Promise<SceneResult> {
  const qaSize = qaMask === undefined ? undefined : rasterSize(qaMask.file);
  const sceneOut = path.join(options.outputRoot, options.sceneId);
  await fs.mkdir(sceneOut, { recursive: true });
  const outputs: SceneOutput[] = [];
  for (const { band, source, conversion, transformer, sourceNodata } of plan) {
    const name = `${options.sceneId}_${band}_${conversion.name ?? conversion.quantity}.tif`;
    const converted = conversion.linear !== undefined || conversion.perDn !== undefined;
    const maskBand =
      qaMask === undefined || qaSize === undefined
        ? undefined
        : maskBandXml(qaMask.file, qaMask.drop, { qa: qaSize, band: rasterSize(source) });
    const virtual =
      converted || maskBand !== undefined ? conversionVrt(source, conversion, maskBand) : undefined;
    const bandWarp: WarpOptions = {
      ...warp,
      // With a QA mask the mask band decides validity (GDAL ignores it when a source nodata is given).
      srcNodata: maskBand !== undefined ? undefined : converted ? conversion.nodata : (sourceNodata ?? 0),
      dstNodata: conversion.nodata,
      outputType: conversion.dataType,
      transformer,
    };
    try {
      await warpBand({
        ...bandWarp,
        source: virtual?.path ?? source,
        target: path.join(sceneOut, name),
        description: conversion.description,
        unscale: conversion.unscale,
        overviewResampling: "AVERAGE",
        afterWarp: conversion.afterWarp,
      });
    } catch (error) {
      // Say which band and file: GDAL's own message may name neither (a read failed on one of its threads).
      throw new Error(`band ${band} (${path.basename(source)}): ${errorMessage(error)}`, {
        cause: error,
      });
    } finally {
      virtual?.release();
    }
    const gdalArguments = {
      warp: [...warpArguments(bandWarp), ...WARPED_FILE_ARGUMENTS],
      cog: cogArguments(warp.threads, "AVERAGE"),
    };
    outputs.push({ band, file: path.join(options.sceneId, name), conversion, gdalArguments });
    await options.onBand?.(band);
  }
  const stack =
    warp.extent === undefined || outputs.length < 2
      ? undefined
      : path.relative(options.outputRoot, await writeSceneStack(sceneOut, options.sceneId, outputs));
  let mask: string | undefined;
  if (options.maskOutput === true && qaMask !== undefined) {
    mask = path.join(options.sceneId, `${options.sceneId}_qa_mask.tif`);
    await writeMaskOutput(qaMask.file, qaMask.drop, path.join(options.outputRoot, mask), warp);
  }
  return { outputs, stack, mask };
}

function sharedExtent(extents: readonly Extent[], grid: Grid): Extent {
  const extent = commonExtent(extents, grid.resolution);
  if (extent === undefined) throw new Error("the bands share no footprint at this resolution");
  return extent;
}

function rasterSize(file: string): { x: number; y: number } {
  const dataset = gdal.open(file);
  try {
    return dataset.rasterSize;
  } finally {
    dataset.close();
  }
}
