import fs from "node:fs/promises";
import gdal from "gdal-async";
import { errorMessage } from "../../common/errors.js";
import { FLOAT32_NODATA } from "../band-conversion.js";
import { calibrateRows, type RadarCalibration } from "./sar-calibration.js";
import { openRadarSamples, type RadarSampleReader, type SampleBands } from "./radar-samples.js";
import {
  checkSpeckleFilter,
  estimateLooks,
  filterRows,
  type SpeckleFilter,
  type SpeckleFilterKind,
} from "./speckle-filter.js";

// The SAR "prepare" step: a band's DNs to speckle-filtered linear power in the product's own geometry, before
// the warp puts it on the grid. The band is read in stripes of full-width rows, each with the rows of halo its
// windows reach, so memory stays a few stripes whatever the scene's size; the result is a Float32 GeoTIFF that
// keeps the product's RPCs or GCPs, for gdalwarp -rpc or a GCP warp from it.

/** A ground control point as GDAL holds it: pixel and line (0.5 is the first pixel's centre) to x, y, z. */
export interface GroundControlPoint {
  readonly dfGCPPixel: number;
  readonly dfGCPLine: number;
  readonly dfGCPX: number;
  readonly dfGCPY: number;
  readonly dfGCPZ: number;
  readonly pszId?: string | undefined;
  readonly pszInfo?: string | undefined;
}

/** How the product's pixels find the ground, written onto the filtered band. */
export interface Georeferencing {
  /** GDAL's RPC metadata domain: LINE_OFF, SAMP_OFF... SAMP_DEN_COEFF, as strings. */
  readonly rpc?: Readonly<Record<string, string>> | undefined;
  /** GCPs and their CRS (WKT, or anything GDAL takes as user input: EPSG:4326). */
  readonly gcps?: { readonly gcps: readonly GroundControlPoint[]; readonly srs: string } | undefined;
}

export interface CalibrateAndFilterOptions {
  /** A GDAL dataset (a file, a /vsizip/ path) holding the samples. */
  readonly source: string;
  /** 1-based: the band of DNs (detected), the complex band, or the in-phase and quadrature bands (complex). */
  readonly band: SampleBands;
  readonly calibration: RadarCalibration;
  /** NaN looks: estimated from the data. */
  readonly filter: SpeckleFilter;
  /** The Float32 tiled GeoTIFF to write, FLOAT32_NODATA where there is no backscatter. */
  readonly target: string;
  /** Written onto the target; without it, the source's RPCs, GCPs or geotransform are copied. */
  readonly georeferencing?: Georeferencing | undefined;
  /** Rows written at a time (default 256), read with their halo. */
  readonly rowsPerStripe?: number | undefined;
}

/** What was done, for the scene's provenance. */
export interface CalibratedBand {
  readonly filter: SpeckleFilterKind;
  readonly window: number;
  /** The looks the filter assumed, given or estimated; NaN when none were given and no filter needed them. */
  readonly looks: number;
  readonly looksEstimated: boolean;
  readonly width: number;
  readonly height: number;
  readonly stripes: number;
}

export const DEFAULT_ROWS_PER_STRIPE = 256;

/** An uncompressed tiled intermediate, cheap to write and for the warp to read; tiles as high as a stripe. */
const TARGET_CREATION_OPTIONS = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "BIGTIFF=IF_SAFER"];

/** The RPC items GDAL needs to write (and gdalwarp -rpc to use) the model; it drops a set without one of them. */
const RPC_ITEMS = ["LINE", "SAMP", "LAT", "LONG", "HEIGHT"].flatMap((axis) => [
  `${axis}_OFF`,
  `${axis}_SCALE`,
]);
const RPC_COEFFICIENTS = ["LINE_NUM_COEFF", "LINE_DEN_COEFF", "SAMP_NUM_COEFF", "SAMP_DEN_COEFF"];

/** Looks are estimated from this many stripes spread over the scene, of this many rows (whole 9 x 9 windows). */
const LOOKS_SAMPLES = 8;
const LOOKS_SAMPLE_ROWS = 72;

/**
 * Calibrates a band to linear power and filters its speckle, stripe by stripe, into `${target}.partial`, which is
 * renamed to the target at the end: a reader never opens half a band.
 */
export async function calibrateAndFilter(options: CalibrateAndFilterOptions): Promise<CalibratedBand> {
  const { source, target } = options;
  const partial = `${target}.partial`;
  let band: CalibratedBand;
  try {
    const dataset = await gdal.openAsync(source);
    try {
      const samples = await openRadarSamples(source, dataset, options.band, options.calibration.kind);
      try {
        band = await writeStripes(options, samples, partial, (output) =>
          writeGeoreferencing(output, dataset, options.georeferencing),
        );
      } finally {
        samples.close();
      }
    } finally {
      dataset.close();
    }
  } catch (error) {
    await fs.rm(partial, { force: true });
    throw new Error(`cannot calibrate ${source} into ${target}: ${errorMessage(error)}`, { cause: error });
  }
  await fs.rename(partial, target);
  return band;
}

/** Creates the partial file, georeferenced by `georeference`, and writes every stripe into it. */
async function writeStripes(
  options: CalibrateAndFilterOptions,
  samples: RadarSampleReader,
  partial: string,
  georeference: (output: gdal.Dataset) => void,
): Promise<CalibratedBand> {
  const { calibration } = options;
  const { width, height } = samples;
  const stripeRows = options.rowsPerStripe ?? DEFAULT_ROWS_PER_STRIPE;
  if (!Number.isInteger(stripeRows) || stripeRows < 1) throw new Error(`${stripeRows} rows per stripe`);
  checkSpeckleFilter(options.filter, { looksToEstimate: true });
  if (calibration.gains.length !== width)
    throw new Error(`${calibration.gains.length} calibration gains for an image ${width} pixels wide`);
  const read = async (y: number, rows: number): Promise<Float32Array> =>
    calibrateRows(calibration, await samples.read(y, rows));
  const { filter, looksEstimated } = await resolveLooks(options.filter, read, width, height);
  const halo = filter.kind === "none" ? 0 : (filter.window - 1) / 2;
  const output = await createTarget(partial, width, height);
  try {
    georeference(output);
    const band = await output.bands.getAsync(1);
    let stripes = 0;
    for (let y = 0; y < height; y += stripeRows, stripes++) {
      const rows = Math.min(stripeRows, height - y);
      const top = Math.max(0, y - halo);
      const bottom = Math.min(height, y + rows + halo);
      const stripe = filterRows(await read(top, bottom - top), width, bottom - top, y - top, rows, filter);
      await band.pixels.writeAsync(0, y, width, rows, withNodata(stripe)).catch((error: unknown) => {
        throw new Error(`cannot write rows ${y} to ${y + rows}: ${errorMessage(error)}`, { cause: error });
      });
    }
    await output.flushAsync();
    const { kind, window, looks } = filter;
    return { filter: kind, window, looks, looksEstimated, width, height, stripes };
  } finally {
    output.close();
  }
}

/**
 * The filter with its looks: as given, or, when NaN and a filter needs them, estimated from calibrated stripes
 * spread over the scene (a single-look complex product, or one whose metadata does not say).
 */
async function resolveLooks(
  filter: SpeckleFilter,
  read: (y: number, rows: number) => Promise<Float32Array>,
  width: number,
  height: number,
): Promise<{ filter: SpeckleFilter; looksEstimated: boolean }> {
  if (filter.kind === "none" || !Number.isNaN(filter.looks)) return { filter, looksEstimated: false };
  const rows = Math.min(height, LOOKS_SAMPLE_ROWS);
  const count = Math.max(1, Math.min(LOOKS_SAMPLES, Math.floor(height / rows)));
  const pooled = new Float32Array(count * rows * width);
  for (let k = 0; k < count; k++) {
    const y = count === 1 ? 0 : Math.round(((height - rows) * k) / (count - 1));
    pooled.set(await read(y, rows), k * rows * width);
  }
  const looks = estimateLooks(pooled, width, count * rows);
  if (!Number.isFinite(looks))
    throw new Error(
      `cannot estimate the number of looks: no 9 x 9 window of ${count} stripes is all backscatter`,
    );
  return { filter: { ...filter, looks }, looksEstimated: true };
}

async function createTarget(partial: string, width: number, height: number): Promise<gdal.Dataset> {
  const driver = gdal.drivers.get("GTiff");
  const output = await driver.createAsync(
    partial,
    width,
    height,
    1,
    gdal.GDT_Float32,
    TARGET_CREATION_OPTIONS,
  );
  output.bands.get(1).noDataValue = FLOAT32_NODATA;
  return output;
}

/**
 * The given georeferencing, or the source's: its RPC metadata domain, its GCPs, or (a product already on a
 * map) its geotransform and CRS.
 */
function writeGeoreferencing(
  output: gdal.Dataset,
  source: gdal.Dataset,
  given: Georeferencing | undefined,
): void {
  const rpc = given === undefined ? (source.getMetadata("RPC") as Record<string, string>) : given.rpc;
  if (rpc !== undefined && Object.keys(rpc).length > 0) {
    const missing = [...RPC_ITEMS, ...RPC_COEFFICIENTS].filter((item) => rpc[item] === undefined);
    if (missing.length > 0) throw new Error(`the RPCs lack ${missing.join(", ")}: GDAL would drop them`);
    output.setMetadata({ ...rpc }, "RPC");
  }
  if (given !== undefined) {
    if (given.gcps !== undefined && given.gcps.gcps.length > 0) {
      const srs = gdal.SpatialReference.fromUserInput(given.gcps.srs).toWKT();
      output.setGCPs(
        given.gcps.gcps.map((gcp) => ({ pszId: "", pszInfo: "", ...gcp })),
        srs,
      );
    }
    return;
  }
  const gcps = source.getGCPs() as GroundControlPoint[];
  if (gcps.length > 0) {
    output.setGCPs(gcps, source.getGCPProjection());
  } else if (source.geoTransform !== null) {
    output.geoTransform = source.geoTransform;
    if (source.srs !== null) output.srs = source.srs;
  }
}

/** NaN to FLOAT32_NODATA, in place. */
function withNodata(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) values[i] = FLOAT32_NODATA;
  return values;
}
