import fs from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import gdal from "gdal-async";
import type { Calibration } from "../../src/common/radar.js";
import type {
  Radarsat2Polarisation,
  Radarsat2ProductType,
  Rpc,
} from "../../src/imagery/radarsat2/radarsat2-product-schema.js";
import {
  gamma,
  LUT_FILES,
  lutXml,
  METRES_PER_SAMPLE_SHIFT,
  mulberry32,
  productXmlText,
  RS2_NAMESPACE,
  SYNTHETIC_FOOTPRINT,
  SYNTHETIC_GAINS as SHARED_GAINS,
  SYNTHETIC_LUT_OFFSET,
  syntheticGeometry as sharedGeometry,
} from "../../scripts/synthetic-radarsat2-product.mjs";

// A RADARSAT-2 product folder made up for tests, laid out and written as MDA delivers one (product.xml in the
// real namespace and element order, lutSigma/lutBeta/lutGamma.xml, imagery_<POL>.tif), so GDAL's RS2 driver opens
// it. Every value is known: a sigma0 image per polarisation times seeded gamma speckle of the product's looks, DNs
// from the sigma LUT, and an invertible RPC model over the SRTM fixture tiles (N50E008, N50E009) in which terrain
// shifts pixels in range. The product's text and RPC model come from scripts/synthetic-radarsat2-product.mjs,
// which ./dev bench sar also writes its full-size product with.

export { RS2_NAMESPACE, SYNTHETIC_FOOTPRINT, METRES_PER_SAMPLE_SHIFT, SYNTHETIC_LUT_OFFSET, LUT_FILES };
/** The LUT gains: gain(sample) = a + b * sample, distinct per calibration; one offset for all three. */
export const SYNTHETIC_GAINS: Readonly<Record<Calibration, { a: number; b: number }>> = SHARED_GAINS;

export interface SyntheticRadarsat2Options {
  /** Image size; default 400 samples x 300 lines. */
  readonly samples?: number;
  readonly lines?: number;
  /** Default HH, HV. */
  readonly polarisations?: readonly Radarsat2Polarisation[];
  /** Default SGF. */
  readonly productType?: Radarsat2ProductType;
  /** Default W2. */
  readonly beamMode?: string;
  /** Default 1 x 1: single-look speckle (exponential intensity). The speckle's shape is range x azimuth. */
  readonly looks?: { readonly range: number; readonly azimuth: number };
  /** Tiled 256 x 256 image files instead of strips (default false). */
  readonly tiled?: boolean;
  /** Write the RPC model (default true); false leaves rationalFunctions out. */
  readonly rpc?: boolean;
  /** The speckle-free sigma0 (linear) at a line and sample; default two areas, cross-pol a fifth of co-pol. */
  readonly sigma0?: (line: number, pixel: number, pol: Radarsat2Polarisation) => number;
  /** Default 1. */
  readonly seed?: number;
  /** Acquisition start, ISO 8601 UTC to the second; default 2015-08-22T23:23:26Z. */
  readonly time?: string;
}

export interface SyntheticRadarsat2 {
  readonly id: string;
  /** The product folder: <parent>/<id>. */
  readonly dir: string;
  readonly productXml: string;
  readonly samples: number;
  readonly lines: number;
  readonly polarisations: readonly Radarsat2Polarisation[];
  readonly geometry: SyntheticGeometry;
  /** Each LUT as written. */
  readonly luts: Readonly<Record<Calibration, { file: string; offset: number; gains: Float64Array }>>;
  /** A polarisation's DNs, line by line, as in its image file. */
  dn(pol: Radarsat2Polarisation): Uint16Array;
  /** (DN² + offset) / gain[sample] from the LUTs as written: what calibration must give, pixel for pixel. */
  calibrated(pol: Radarsat2Polarisation, calibration: Calibration): Float64Array;
  /** The speckle-free sigma0 the DNs were made from. */
  readonly sigma0: (line: number, pixel: number, pol: Radarsat2Polarisation) => number;
}

/** Writes a product folder <parent>/<id> and returns what tests need to check readings of it. */
export async function writeSyntheticRadarsat2(
  parent: string,
  options: SyntheticRadarsat2Options = {},
): Promise<SyntheticRadarsat2> {
  const samples = options.samples ?? 400;
  const lines = options.lines ?? 300;
  const polarisations = options.polarisations ?? ["HH", "HV"];
  const productType = options.productType ?? "SGF";
  const beamMode = options.beamMode ?? "W2";
  const looks = options.looks ?? { range: 1, azimuth: 1 };
  const time = options.time ?? "2015-08-22T23:23:26Z";
  const sigma0 = options.sigma0 ?? twoAreas(samples, lines);
  const compact = time.replace(/[-:]/g, "").replace("Z", "").split("T");
  const id = `RS2_OK76385_PK678063_DK606752_${beamMode}_${compact[0]}_${compact[1]}_${polarisations.join("_")}_${productType}`;
  const dir = path.join(parent, id);
  await fs.mkdir(dir, { recursive: true });
  const geometry = syntheticGeometry(samples, lines);
  const luts = Object.fromEntries(
    (Object.keys(LUT_FILES) as Calibration[]).map((calibration) => {
      const { a, b } = SYNTHETIC_GAINS[calibration];
      const gains = Float64Array.from({ length: samples }, (_, s) => a + b * s);
      return [calibration, { file: LUT_FILES[calibration], offset: SYNTHETIC_LUT_OFFSET, gains }];
    }),
  ) as Record<Calibration, { file: string; offset: number; gains: Float64Array }>;
  for (const lut of Object.values(luts)) {
    await fs.writeFile(path.join(dir, lut.file), lutXml(lut.offset, lut.gains));
  }
  const dns = new Map<Radarsat2Polarisation, Uint16Array>();
  for (const [index, pol] of polarisations.entries()) {
    const random = mulberry32((options.seed ?? 1) * 7919 + index);
    const shape = looks.range * looks.azimuth;
    const dn = new Uint16Array(samples * lines);
    for (let line = 0; line < lines; line++) {
      for (let pixel = 0; pixel < samples; pixel++) {
        const power = sigma0(line, pixel, pol) * gamma(shape, random) * luts.sigma0.gains[pixel]!;
        const value = Math.round(Math.sqrt(Math.max(power - luts.sigma0.offset, 0)));
        dn[line * samples + pixel] = Math.min(Math.max(value, 1), 65535);
      }
    }
    dns.set(pol, dn);
    await writeImage(path.join(dir, `imagery_${pol}.tif`), samples, lines, dn, options.tiled ?? false);
  }
  const productXml = path.join(dir, "product.xml");
  await fs.writeFile(
    productXml,
    productXmlText({
      samples,
      lines,
      polarisations,
      productType,
      beamMode,
      looks,
      time,
      geometry,
      rpc: options.rpc,
    }),
  );
  const dnOf = (pol: Radarsat2Polarisation): Uint16Array => {
    const dn = dns.get(pol);
    if (dn === undefined) throw new Error(`test: the synthetic product has no ${pol}`);
    return dn;
  };
  return {
    id,
    dir,
    productXml,
    samples,
    lines,
    polarisations,
    geometry,
    luts,
    dn: dnOf,
    calibrated: (pol, calibration) => {
      const { offset, gains } = luts[calibration];
      return Float64Array.from(dnOf(pol), (dn, i) => (dn * dn + offset) / gains[i % samples]!);
    },
    sigma0,
  };
}

export interface SyntheticGeometry {
  /**
   * Where a ground point is imaged, in the product's image coordinates (those of its tie points: 0 is the centre
   * of the first line and sample; GDAL's GCPs add 0.5).
   */
  toImage(lat: number, lon: number, height: number): { line: number; pixel: number };
  /** The inverse at a known height. */
  toGround(line: number, pixel: number, height: number): { lat: number; lon: number };
  /** The same model as GDAL RPC metadata strings (what product.xml's rationalFunctions hold). */
  readonly rpc: Rpc;
}

/** Line linear in latitude, sample linear in longitude less height / METRES_PER_SAMPLE_SHIFT. */
export function syntheticGeometry(samples: number, lines: number): SyntheticGeometry {
  return sharedGeometry(samples, lines);
}

/** A bright rectangle (the middle half of lines and samples) in darker surroundings; cross-pol a fifth. */
function twoAreas(samples: number, lines: number) {
  return (line: number, pixel: number, pol: Radarsat2Polarisation): number => {
    const inside =
      line >= lines / 4 && line < (3 * lines) / 4 && pixel >= samples / 4 && pixel < (3 * samples) / 4;
    const copol = inside ? 0.25 : 0.04;
    return pol === "HV" || pol === "VH" ? copol / 5 : copol;
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

/** Zips a product folder as MDA delivers it: <id>/ at the archive's root, with zip(1) or Python's zipfile. */
export async function zipRadarsat2Product(productDir: string, zip: string): Promise<void> {
  const cwd = path.dirname(productDir);
  const name = path.basename(productDir);
  try {
    await execa("zip", ["-qr", path.resolve(zip), name], { cwd });
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
    await execa("python3", ["-m", "zipfile", "-c", path.resolve(zip), name], { cwd });
  }
}
