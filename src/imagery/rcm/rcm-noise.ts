import type { Calibration } from "../../common/radar.js";
import { Sentinel2MetadataError } from "../sentinel2/sentinel2-metadata-error.js";
import { RcmMetadataError } from "./rcm-metadata-error.js";
import { PRODUCT_XML, readRcmText, readRcmXml } from "./rcm-product-files.js";
import { SAR_CALIBRATION_TYPES, type RcmChannel, type RcmProduct } from "./rcm-product-schema.js";
import { expandRcmRangeTable, readRcmRangeTable, type RcmRangeTable } from "./rcm-range-table.js";

// A channel's noise levels (metadata/calibration/noiseLevels_<POL>.xml): per calibration (sarCalibrationType
// "Sigma Nought", "Beta Nought", "Gamma") a referenceNoiseLevel, the noise-equivalent sigma0, beta0 or gamma0 in
// dB along range (pixelFirstNoiseValue, stepSize, numberOfValues, noiseLevelValues), laid out as the LUTs are.
// The file also holds perBeamReferenceNoiseLevel (the same per ScanSAR beam) and azimuthNoiseLevelScaling (the
// variation along azimuth within a burst), which GDAL 3.11's driver does not read, and neither does this: the
// reference level is the one over the whole line. The dB values are expanded as listed (GDAL interpolates them
// the same way), then made linear power, 10^(dB/10), the units of a calibrated value they compare with.

export interface RcmNoiseTable extends RcmRangeTable {
  readonly calibration: Calibration;
  /** values (RcmRangeTable) are the noise levels in dB, as listed. */
}

/** Reads a channel's noise-level file (relative to the product folder): the table of one calibration, in dB. */
export async function readRcmNoiseTable(
  root: string,
  file: string,
  calibration: Calibration,
): Promise<RcmNoiseTable> {
  return parseRcmNoise(await readRcmText(root, file), file, calibration);
}

/** The noise-equivalent level of a calibration at every range sample 0..samples-1, in linear power. */
export async function readRcmNoise(
  root: string,
  file: string,
  calibration: Calibration,
  samples: number,
): Promise<Float64Array> {
  return rcmNoisePerSample(await readRcmNoiseTable(root, file, calibration), samples);
}

/** A channel's noise levels for a calibration, at every sample of the product's lines, in linear power. */
export async function readRcmChannelNoise(
  root: string,
  product: RcmProduct,
  channel: RcmChannel,
  calibration: Calibration,
): Promise<Float64Array> {
  const file = product.noiseFiles[channel];
  if (file === undefined) {
    throw new RcmMetadataError(
      `${PRODUCT_XML}: no <imageReferenceAttributes/noiseLevelFileName pole="${channel}">, so no noise levels for ${channel}`,
    );
  }
  return readRcmNoise(root, file, calibration, product.samplesPerLine);
}

/** Parses a noise-level file's text: the one referenceNoiseLevel of the calibration; faults name the element. */
export function parseRcmNoise(text: string, file: string, calibration: Calibration): RcmNoiseTable {
  return readRcmXml(text, file, (noise) => {
    const type = SAR_CALIBRATION_TYPES[calibration];
    const levels = noise
      .children("referenceNoiseLevel")
      .filter((level) => level.find("sarCalibrationType")?.text() === type);
    if (levels.length !== 1) {
      const what =
        levels.length === 0 ? "no <referenceNoiseLevel>" : `${levels.length} <referenceNoiseLevel>s`;
      throw noise.error(`${what} with <sarCalibrationType>${type}</sarCalibrationType>`);
    }
    const level = levels[0]!;
    try {
      const values = level.get("noiseLevelValues");
      const units = values.attribute("units");
      if (units !== undefined && units !== "dB")
        throw values.error(`<${values.path}> units ${units} are not dB`);
      const table = readRcmRangeTable(level, {
        first: "pixelFirstNoiseValue",
        values: "noiseLevelValues",
        positive: false,
      });
      return { calibration, ...table };
    } catch (error) {
      // Three referenceNoiseLevel elements share each path: say which one.
      if (!(error instanceof Sentinel2MetadataError)) throw error;
      throw new Sentinel2MetadataError(`${error.message} (the ${type} level)`, { cause: error });
    }
  });
}

/** The levels at every sample (expanded in dB, as listed), as linear power: 10^(dB/10). */
export function rcmNoisePerSample(table: RcmNoiseTable, samples: number): Float64Array {
  return expandRcmRangeTable(table, samples).map((db) => 10 ** (db / 10));
}
