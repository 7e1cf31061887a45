import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import type { Calibration } from "../../src/common/radar.js";
import type { RcmChannel, RcmProductType } from "../../src/imagery/rcm/rcm-product-schema.js";
import { gamma, mulberry32 } from "../../scripts/synthetic-radarsat2-product.mjs";
import {
  CALIBRATIONS,
  lutFile,
  lutTable,
  noiseFile,
  noiseTable,
  RCM_NAMESPACE,
  rcmMetadataFiles,
  SYNTHETIC_RCM_LUT_OFFSET,
} from "../../scripts/synthetic-rcm-product.mjs";
import {
  SYNTHETIC_FOOTPRINT,
  syntheticGeometry,
  zipRadarsat2Product,
  type SyntheticGeometry,
} from "./synthetic-radarsat2.js";

// An RCM product folder made up for tests, laid out and written as the CSA delivers one: manifest.safe,
// metadata/product.xml (namespace rcmGsProductSchema, the element order of GDAL's fake RCM product with real
// values), metadata/calibration/lut{Sigma,Beta,Gamma}_<POL>.xml, noiseLevels_<POL>.xml and incidenceAngles.xml,
// imagery/<POL>.tif. Every value is known: a sigma0 image per channel times seeded gamma speckle of the product's
// looks, DNs from the sigma0 LUT, and RADARSAT-2's synthetic RPC model over the SRTM fixture tiles (N50E008,
// N50E009), so RCM and RS2 share the terrain test set-up. The tables are listed as RCM lists them, and unlike
// RADARSAT-2's not one entry per sample: sigma0 LUTs and noise levels run backwards (negative stepSize), the
// others every 4 or 5 samples, gamma0's starting at sample 2 and ending before the line does. The helper
// expands them on its own (numpy.interp's rule: linear between entries, the end value beyond), independently of
// src/, and pixels are always detected UInt16, whatever the product type says. The metadata's text and the tables
// come from scripts/synthetic-rcm-product.mjs, which ./dev bench sar also writes its full-size product with.

export { RCM_NAMESPACE, SYNTHETIC_FOOTPRINT, SYNTHETIC_RCM_LUT_OFFSET, zipRadarsat2Product as zipRcmProduct };

export interface SyntheticRcmOptions {
  /** Image size; default 400 samples x 300 lines. */
  readonly samples?: number;
  readonly lines?: number;
  /** Default VV, VH. */
  readonly channels?: readonly RcmChannel[];
  /** Default GRD. */
  readonly productType?: RcmProductType;
  /** Default 16M5 (Medium Resolution 16m, beam 5). */
  readonly beamMode?: string;
  /** radarParameters/acquisitionType and beamMode, in words; default "Medium Resolution 16m" (16M5's). */
  readonly acquisitionType?: string;
  /** Default 1 x 1: single-look speckle. */
  readonly looks?: { readonly range: number; readonly azimuth: number };
  /** Tiled 256 x 256 image files instead of strips (default false). */
  readonly tiled?: boolean;
  /** Write the RPC model (default true); false writes GDAL's fake product's block of zeros. */
  readonly rpc?: boolean;
  /** The speckle-free sigma0 (linear) at a line and sample; default two areas, cross-pol a fifth of co-pol. */
  readonly sigma0?: (line: number, pixel: number, channel: RcmChannel) => number;
  /** Default 1. */
  readonly seed?: number;
  /** Acquisition start, ISO 8601 UTC to the second; default 2021-08-15T10:10:10Z. */
  readonly time?: string;
}

/** A table as a file lists it: values[k] at sample pixelFirstValue + k * stepSize. */
export interface SyntheticTable {
  /** Relative to the product folder. */
  readonly file: string;
  readonly pixelFirstValue: number;
  readonly stepSize: number;
  readonly values: Float64Array;
}

export interface SyntheticRcm {
  readonly id: string;
  /** The product folder: <parent>/<id>. */
  readonly dir: string;
  /** <dir>/metadata/product.xml. */
  readonly productXml: string;
  readonly samples: number;
  readonly lines: number;
  readonly channels: readonly RcmChannel[];
  readonly geometry: SyntheticGeometry;
  /** A channel's LUT as written (values: the gains); its offset is SYNTHETIC_RCM_LUT_OFFSET. */
  lut(channel: RcmChannel, calibration: Calibration): SyntheticTable;
  /** A channel's reference noise levels of a calibration as written (values in dB). */
  noiseTable(channel: RcmChannel, calibration: Calibration): SyntheticTable;
  /** A channel's DNs, line by line, as in its image file. */
  dn(channel: RcmChannel): Uint16Array;
  /** The gain A at every sample of a line, expanded by the helper. */
  gains(channel: RcmChannel, calibration: Calibration): Float64Array;
  /** (DN² + offset) / A[sample]: what calibration must give, pixel for pixel. */
  calibrated(channel: RcmChannel, calibration: Calibration): Float64Array;
  /** The noise-equivalent level at every sample of a line, linear power (10^(dB/10) of the expanded dB). */
  noise(channel: RcmChannel, calibration: Calibration): Float64Array;
  /** The speckle-free sigma0 the DNs were made from. */
  readonly sigma0: (line: number, pixel: number, channel: RcmChannel) => number;
}

/** Writes a product folder <parent>/<id> and returns what tests need to check readings of it. */
export async function writeSyntheticRcm(
  parent: string,
  options: SyntheticRcmOptions = {},
): Promise<SyntheticRcm> {
  const samples = options.samples ?? 400;
  const lines = options.lines ?? 300;
  const channels = options.channels ?? ["VV", "VH"];
  const productType = options.productType ?? "GRD";
  const beamMode = options.beamMode ?? "16M5";
  const looks = options.looks ?? { range: 1, azimuth: 1 };
  const time = options.time ?? "2021-08-15T10:10:10Z";
  const sigma0 = options.sigma0 ?? twoAreas(samples, lines);
  const [date = "", clock = ""] = time.replace(/[-:]/g, "").replace("Z", "").split("T");
  const id = `RCM1_OK1234567_PK1234568_1_${beamMode}_${date}_${clock}_${channels.join("_")}_${productType}`;
  const dir = path.join(parent, id);
  await fs.mkdir(path.join(dir, "metadata", "calibration"), { recursive: true });
  await fs.mkdir(path.join(dir, "imagery"));
  const geometry = syntheticGeometry(samples, lines);

  // The tables as the shared writer lists them (rcmMetadataFiles writes the same below).
  const luts = new Map<string, SyntheticTable>();
  const noises = new Map<string, SyntheticTable>();
  for (const [index, channel] of channels.entries()) {
    for (const calibration of CALIBRATIONS) {
      const key = `${channel} ${calibration}`;
      luts.set(key, { file: lutFile(channel, calibration), ...lutTable(samples, index, calibration) });
      noises.set(key, { file: noiseFile(channel), ...noiseTable(samples, index, calibration) });
    }
  }
  const lutOf = (channel: RcmChannel, calibration: Calibration) =>
    luts.get(`${channel} ${calibration}`) ?? fail(`no ${channel} in the synthetic product`);
  const gainsOf = (channel: RcmChannel, calibration: Calibration) =>
    interp(lutOf(channel, calibration), samples);

  const dns = new Map<RcmChannel, Uint16Array>();
  const stats: { channel: RcmChannel; mean: number; sigma: number }[] = [];
  for (const [index, channel] of channels.entries()) {
    const random = mulberry32((options.seed ?? 1) * 7919 + index);
    const shape = looks.range * looks.azimuth;
    const gains = gainsOf(channel, "sigma0");
    const dn = new Uint16Array(samples * lines);
    for (let line = 0; line < lines; line++) {
      for (let pixel = 0; pixel < samples; pixel++) {
        const power = sigma0(line, pixel, channel) * gamma(shape, random) * gains[pixel]!;
        const value = Math.round(Math.sqrt(Math.max(power - SYNTHETIC_RCM_LUT_OFFSET, 0)));
        dn[line * samples + pixel] = Math.min(Math.max(value, 1), 65535);
      }
    }
    dns.set(channel, dn);
    stats.push({ channel, ...meanAndSigma(dn) });
    await writeImage(path.join(dir, "imagery", `${channel}.tif`), samples, lines, dn, options.tiled ?? false);
  }
  const metadata = rcmMetadataFiles({
    id,
    samples,
    lines,
    channels,
    productType,
    beamMode,
    acquisitionType: options.acquisitionType ?? "Medium Resolution 16m",
    looks,
    time,
    geometry,
    rpc: options.rpc,
    stats,
  });
  for (const [file, text] of metadata) await fs.writeFile(path.join(dir, file), text);

  const dnOf = (channel: RcmChannel) => dns.get(channel) ?? fail(`no ${channel} in the synthetic product`);
  return {
    id,
    dir,
    productXml: path.join(dir, "metadata", "product.xml"),
    samples,
    lines,
    channels,
    geometry,
    lut: lutOf,
    noiseTable: (channel, calibration) =>
      noises.get(`${channel} ${calibration}`) ?? fail(`no ${channel} in the synthetic product`),
    dn: dnOf,
    gains: gainsOf,
    calibrated: (channel, calibration) => {
      const gains = gainsOf(channel, calibration);
      return Float64Array.from(
        dnOf(channel),
        (dn, i) => (dn * dn + SYNTHETIC_RCM_LUT_OFFSET) / gains[i % samples]!,
      );
    },
    noise: (channel, calibration) => {
      const noise = noises.get(`${channel} ${calibration}`) ?? fail(`no ${channel} in the synthetic product`);
      return interp(noise, samples).map((db) => 10 ** (db / 10));
    },
    sigma0,
  };
}

/** A table at every sample 0..samples-1: linear between entries sorted by position, the end value beyond. */
function interp(t: SyntheticTable, samples: number): Float64Array {
  const points = Array.from(t.values, (value, k) => ({ x: t.pixelFirstValue + k * t.stepSize, value })).sort(
    (p, q) => p.x - q.x,
  );
  const first = points[0]!;
  const last = points[points.length - 1]!;
  let j = 0;
  return Float64Array.from({ length: samples }, (_, s) => {
    if (s <= first.x) return first.value;
    if (s >= last.x) return last.value;
    while (points[j + 1]!.x < s) j++;
    const [p, q] = [points[j]!, points[j + 1]!];
    return p.value + ((s - p.x) / (q.x - p.x)) * (q.value - p.value);
  });
}

/** A bright rectangle (the middle half of lines and samples) in darker surroundings; cross-pol a fifth. */
function twoAreas(samples: number, lines: number) {
  return (line: number, pixel: number, channel: RcmChannel): number => {
    const inside =
      line >= lines / 4 && line < (3 * lines) / 4 && pixel >= samples / 4 && pixel < (3 * samples) / 4;
    const copol = inside ? 0.25 : 0.04;
    return channel === "HV" || channel === "VH" || channel === "CV" ? copol / 5 : copol;
  };
}

async function writeImage(file: string, samples: number, lines: number, dn: Uint16Array, tiled: boolean) {
  const options = tiled ? ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"] : [];
  const dataset = gdal.open(file, "w", "GTiff", samples, lines, 1, gdal.GDT_UInt16, options);
  try {
    await dataset.bands.get(1).pixels.writeAsync(0, 0, samples, lines, dn);
  } finally {
    dataset.close();
  }
}

function meanAndSigma(dn: Uint16Array): { mean: number; sigma: number } {
  const mean = dn.reduce((a, b) => a + b, 0) / dn.length;
  const sigma = Math.sqrt(dn.reduce((a, b) => a + (b - mean) ** 2, 0) / dn.length);
  return { mean, sigma };
}

function fail(message: string): never {
  throw new Error(`test: ${message}`);
}
