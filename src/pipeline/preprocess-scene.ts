import fs from "node:fs/promises";
import path from "node:path";
import { warpBand, type Grid } from "./warp-band.js";

// A scene's bands through the pipeline into output/preprocess/<scene_id>/<scene_id>_<band>_<product>.tif.
// Today the product is the scene's digital numbers on the job grid; radiometric products build on this.

export interface SceneBand {
  readonly band: string;
  readonly file: string;
}

export interface PreprocessSceneOptions {
  readonly sceneId: string;
  readonly bands: readonly SceneBand[];
  /** output/preprocess of the job. */
  readonly outputRoot: string;
  readonly grid: Grid;
  readonly threads: number;
  /** Called after each band with the number of bands done. */
  readonly onBand?: (done: number, band: string) => Promise<void> | void;
}

export const PRODUCT_DN = "dn";

/** Returns the written files, relative to outputRoot. */
export async function preprocessScene(options: PreprocessSceneOptions): Promise<string[]> {
  const sceneOut = path.join(options.outputRoot, options.sceneId);
  await fs.mkdir(sceneOut, { recursive: true });
  const outputs: string[] = [];
  for (const [index, { band, file }] of options.bands.entries()) {
    const name = `${options.sceneId}_${band}_${PRODUCT_DN}.tif`;
    await warpBand({
      source: file,
      target: path.join(sceneOut, name),
      grid: options.grid,
      threads: options.threads,
      resampling: "bilinear",
      nodata: 0,
    });
    outputs.push(path.join(options.sceneId, name));
    await options.onBand?.(index + 1, band);
  }
  return outputs;
}
