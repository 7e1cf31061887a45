import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import gdal from "gdal-async";
import { describeVrtBand } from "./describe-vrt-band.js";
import type { Extent, Grid } from "./grid.js";
import type { Resampling } from "../common/resampling.js";

// One band onto the job grid, written as a Cloud-Optimized GeoTIFF. The product conversion is virtual (it
// happens as the warp reads), the warp runs once with every thread, and the COG is written from its result.

export type { Resampling } from "../common/resampling.js";

export interface WarpOptions {
  readonly grid: Grid;
  /** A fixed extent on the grid (resamp_clip); without it the band keeps its own extent, snapped (-tap). */
  readonly extent?: Extent | undefined;
  readonly threads: number;
  readonly resampling: Resampling;
  /** undefined: the source's mask band says which pixels are valid (a QA mask, fill included). */
  readonly srcNodata: number | undefined;
  readonly dstNodata: number;
  /** Output data type; the source's when undefined. */
  readonly outputType?: "Byte" | "Int16" | "Float32" | undefined;
  /** A polygon file (GeoJSON, EPSG:4326): pixels outside it become nodata. */
  readonly cutline?: string | undefined;
  /** The source's transformer (RPCs with a DEM, GCPs) when it has no geotransform: gdalwarp arguments. */
  readonly transformer?: readonly string[] | undefined;
}

export interface WarpBandOptions extends WarpOptions {
  readonly source: string;
  readonly target: string;
  readonly description: string;
  /** Written into the file so that GDAL and rasterio unscale stored values to physical ones. */
  readonly unscale?: { readonly scale: number; readonly offset: number } | undefined;
  /** Overviews average continuous values; categorical bands (QA) take the nearest. */
  readonly overviewResampling: "AVERAGE" | "NEAREST";
  /** Applied to every valid warped value before the COG is written (radar: power to dB). */
  readonly afterWarp?: ((value: number) => number) | undefined;
}

/** The gdalwarp arguments for a band; the same list works with the gdalwarp command. */
export function warpArguments(options: WarpOptions): string[] {
  const res = String(options.grid.resolution);
  const placement = options.extent === undefined ? ["-tap"] : ["-te", ...options.extent.map(String)];
  return [
    ["-t_srs", options.grid.projection],
    ["-tr", res, res],
    placement,
    ["-r", options.resampling],
    ["-srcnodata", options.srcNodata === undefined ? "None" : String(options.srcNodata)],
    ["-dstnodata", String(options.dstNodata)],
    options.outputType === undefined ? [] : ["-ot", options.outputType],
    options.cutline === undefined ? [] : ["-cutline", options.cutline],
    options.transformer ?? [],
    ["-multi"],
    ["-wo", `NUM_THREADS=${options.threads}`],
  ].flat();
}

/** The intermediate the warp writes: an uncompressed tiled GeoTIFF, cheap to write and to read back. */
export const WARPED_FILE_ARGUMENTS: readonly string[] = [
  ...["-of", "GTiff", "-co", "TILED=YES", "-co", "BLOCKXSIZE=512", "-co", "BLOCKYSIZE=512"],
  ...["-co", "BIGTIFF=IF_SAFER"],
];

/** COG creation options: tiled, DEFLATE with the predictor that suits the type, internal overviews. */
export function cogArguments(threads: number, overviewResampling: "AVERAGE" | "NEAREST"): string[] {
  return [
    ["-of", "COG"],
    ["-co", "COMPRESS=DEFLATE"],
    ["-co", "PREDICTOR=YES"],
    ["-co", "BLOCKSIZE=512"],
    ["-co", `OVERVIEW_RESAMPLING=${overviewResampling}`],
    ["-co", `NUM_THREADS=${threads}`],
    ["-co", "BIGTIFF=IF_SAFER"],
  ].flat();
}

/**
 * Warps with all threads into an uncompressed tiled GeoTIFF beside the target, then writes the COG from it
 * (compression and overviews read that file, not the warp again), under a temporary name that is renamed at
 * the end: a reader never opens half a band.
 */
export async function warpBand(options: WarpBandOptions): Promise<void> {
  const warpedFile = `${options.target}.warped.tif`;
  const partial = `${options.target}.partial`;
  const virtual = `/vsimem/agricarta-band-${randomUUID()}.vrt`;
  try {
    const source = await gdal.openAsync(options.source);
    try {
      const warped = await gdal
        .warpAsync(warpedFile, null, [source], [...warpArguments(options), ...WARPED_FILE_ARGUMENTS])
        .catch(async (error: unknown) => {
          throw await explainWarpFailure(error, source);
        });
      warped.close();
    } finally {
      source.close();
    }
    if (options.afterWarp !== undefined) await mapValues(warpedFile, options.dstNodata, options.afterWarp);
    // A virtual copy of the warped band, described, is what the COG writer reads.
    const warped = await gdal.openAsync(warpedFile);
    try {
      const view = await gdal.translateAsync(virtual, warped, ["-of", "VRT"]);
      view.close();
    } finally {
      warped.close();
    }
    describeVirtualBand(virtual, options);
    const described = await gdal.openAsync(virtual);
    try {
      const cog = await gdal.translateAsync(
        partial,
        described,
        cogArguments(options.threads, options.overviewResampling),
      );
      cog.close();
    } finally {
      described.close();
    }
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw error;
  } finally {
    releaseQuietly(virtual);
    await fs.rm(warpedFile, { force: true });
  }
  await fs.rename(partial, options.target);
}

/**
 * Adds the band's description and scale/offset to the warped VRT, so the COG written from it carries them
 * (gdal-async exposes no band description setter).
 */
function describeVirtualBand(virtual: string, options: WarpBandOptions): void {
  const xml = gdal.vsimem.release(virtual).toString("utf8");
  const described = describeVrtBand(xml, 1, options);
  gdal.vsimem.set(Buffer.from(described, "utf8"), virtual);
}

/**
 * A multi-threaded warp that fails on a read (a truncated or corrupt file) reports GDAL's error from another
 * thread, so the error arrives without a message. Reading the source once more, in this thread, finds the
 * reason: which file, which block.
 */
async function explainWarpFailure(error: unknown, source: gdal.Dataset): Promise<Error> {
  if (error instanceof Error && error.message.trim() !== "") return error;
  try {
    for (const band of source.bands) await readWhole(band);
  } catch (reason) {
    if (reason instanceof Error && reason.message.trim() !== "")
      return new Error(reason.message, { cause: error });
  }
  return new Error("GDAL failed to warp the band without saying why", { cause: error });
}

/**
 * Reads every block of a band, one at a time (several at once would be decoded on GDAL's threads, whose errors
 * lose their message too); throws GDAL's error, which names the file and the block.
 */
async function readWhole(band: gdal.RasterBand): Promise<void> {
  const { x: width, y: height } = band.size;
  const block = band.blockSize;
  for (let by = 0; by * block.y < height; by++) {
    for (let bx = 0; bx * block.x < width; bx++) await band.pixels.readBlockAsync(bx, by);
  }
}

/**
 * Maps every value of a warped file but nodata through f, block by block, in place; a value f makes
 * non-finite (the dB of zero power) becomes nodata.
 */
async function mapValues(file: string, nodata: number, f: (value: number) => number): Promise<void> {
  const ds = await gdal.openAsync(file, "r+");
  try {
    const band = ds.bands.get(1);
    const { x: width, y: height } = band.size;
    const block = band.blockSize;
    for (let by = 0; by * block.y < height; by++) {
      for (let bx = 0; bx * block.x < width; bx++) {
        const values = await band.pixels.readBlockAsync(bx, by);
        for (let i = 0; i < values.length; i++) {
          const value = values[i]!;
          if (value === nodata || Number.isNaN(value)) continue;
          const mapped = f(value);
          values[i] = Number.isFinite(mapped) ? mapped : nodata;
        }
        await band.pixels.writeBlockAsync(bx, by, values);
      }
    }
    await ds.flushAsync();
  } finally {
    ds.close();
  }
}

function releaseQuietly(path: string): void {
  try {
    gdal.vsimem.release(path);
  } catch {
    // already released, or never written
  }
}
