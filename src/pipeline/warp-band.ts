import fs from "node:fs/promises";
import gdal from "gdal-async";

// One band onto the job's grid: reprojected to the site projection at the requested resolution, with the
// origin snapped to multiples of the resolution (gdalwarp -tap), so every output of every job lines up.

export type Resampling = "near" | "bilinear" | "cubic" | "cubicspline" | "lanczos" | "average" | "mode";

export interface Grid {
  /** PROJ string, WKT or EPSG:n. */
  readonly projection: string;
  /** Pixel size in projection units (metres). */
  readonly resolution: number;
}

export interface WarpBandOptions {
  readonly source: string;
  readonly target: string;
  readonly grid: Grid;
  readonly threads: number;
  readonly resampling: Resampling;
  /** Landsat DN 0 is fill: it stays nodata through the warp. */
  readonly nodata: number;
}

/** The gdalwarp arguments for a band; the same list works with the gdalwarp command. */
export function warpArguments(options: Omit<WarpBandOptions, "source" | "target">): string[] {
  const res = String(options.grid.resolution);
  return [
    ["-t_srs", options.grid.projection],
    ["-tr", res, res],
    ["-tap"],
    ["-r", options.resampling],
    ["-srcnodata", String(options.nodata)],
    ["-dstnodata", String(options.nodata)],
    ["-multi"],
    ["-wo", `NUM_THREADS=${options.threads}`],
    ["-of", "GTiff"],
    ["-co", "TILED=YES"],
    ["-co", "COMPRESS=DEFLATE"],
    ["-co", "PREDICTOR=2"],
  ].flat();
}

/** Warps under a temporary name and renames, so a reader never opens half a band. */
export async function warpBand(options: WarpBandOptions): Promise<void> {
  const partial = `${options.target}.partial`;
  const source = await gdal.openAsync(options.source);
  try {
    const output = await gdal.warpAsync(partial, null, [source], warpArguments(options));
    output.close();
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
  await fs.rename(partial, options.target);
}
