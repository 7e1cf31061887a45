import type { Calibration } from "../../common/radar.js";
import { numberText } from "../sentinel2/xml-text.js";
import { RcmMetadataError } from "./rcm-metadata-error.js";
import { PRODUCT_XML, readRcmText, readRcmXml } from "./rcm-product-files.js";
import { SAR_CALIBRATION_TYPES, type RcmChannel, type RcmProduct } from "./rcm-product-schema.js";
import { expandRcmRangeTable, readRcmRangeTable } from "./rcm-range-table.js";

// A calibration lookup table (metadata/calibration/lut{Sigma,Beta,Gamma}_<POL>.xml): <lut> with
// pixelFirstLutValue, stepSize, numberOfValues, offset and gains, one table per channel and calibration. A
// detected value calibrates as (DN² + offset) / A, A the gain at the DN's range sample (RCM Product Format
// Definition RCM-SP-53-0419 issue 2/5, p. 7-56, as GDAL 3.11 computes it); a complex one as (I² + Q²) / A². The
// gains are listed every stepSize samples, and rcm-range-table.ts expands them to one per sample.

export interface RcmLut {
  /** The range sample of the first gain. */
  readonly pixelFirstValue: number;
  /** Samples from one gain to the next; negative: the table runs towards sample 0. */
  readonly stepSize: number;
  readonly offset: number;
  /** As listed: gains[k] belongs to sample pixelFirstValue + k * stepSize. */
  readonly gains: Float64Array;
}

/** A channel's calibration expanded for its image: what the calibration step divides by. */
export interface RcmCalibration {
  /** The LUT file, relative to the product folder. */
  readonly file: string;
  readonly offset: number;
  /** One gain per range sample of a line, in image order. */
  readonly gains: Float64Array;
}

/** Reads a LUT file of the product at `root` (file relative to the product folder); faults name file and element. */
export async function readRcmLut(root: string, file: string): Promise<RcmLut> {
  return parseRcmLut(await readRcmText(root, file), file);
}

/** Parses a LUT's text: an integer first sample and non-zero step, a number offset, numberOfValues positive gains. */
export function parseRcmLut(text: string, file: string): RcmLut {
  return readRcmXml(text, file, (lut) => {
    const table = readRcmRangeTable(lut, { first: "pixelFirstLutValue", values: "gains", positive: true });
    const offset = lut.get("offset").value(numberText);
    return { pixelFirstValue: table.pixelFirstValue, stepSize: table.stepSize, offset, gains: table.values };
  });
}

/**
 * The gain at every range sample 0..samples-1: gains[k] at sample pixelFirstValue + k * stepSize, linear between
 * two, and the end gain held for samples outside the table's span (see rcm-range-table.ts).
 */
export function rcmGainsPerSample(lut: RcmLut, samples: number): Float64Array {
  return expandRcmRangeTable(
    { pixelFirstValue: lut.pixelFirstValue, stepSize: lut.stepSize, values: lut.gains },
    samples,
  );
}

/** A channel's LUT for a calibration, read and expanded to the product's line length. */
export async function readRcmCalibration(
  root: string,
  product: RcmProduct,
  channel: RcmChannel,
  calibration: Calibration,
): Promise<RcmCalibration> {
  const file = product.lutFiles[channel]?.[calibration];
  if (file === undefined) {
    throw new RcmMetadataError(
      `${PRODUCT_XML}: no <imageReferenceAttributes/lookupTableFileName sarCalibrationType="${SAR_CALIBRATION_TYPES[calibration]}" pole="${channel}"> (${product.productType} product), so no ${calibration} for ${channel}`,
    );
  }
  const lut = await readRcmLut(root, file);
  return { file, offset: lut.offset, gains: rcmGainsPerSample(lut, product.samplesPerLine) };
}
