import type { Calibration } from "../../common/radar.js";
import { numberText } from "../sentinel2/xml-text.js";
import { Radarsat2MetadataError } from "./radarsat2-metadata-error.js";
import { readRadarsat2Text, readRadarsat2Xml } from "./radarsat2-product-files.js";
import { LUT_CORRECTIONS, type Radarsat2Product } from "./radarsat2-product-schema.js";
import { PRODUCT_XML } from "./radarsat2-product.js";

// A calibration lookup table (lutSigma.xml, lutBeta.xml, lutGamma.xml): <lut><offset/><gains/></lut>, one gain per
// range sample. A calibrated value is (DN² + offset) / gain[sample] for detected products, as GDAL's RS2 driver
// computes it.

export interface Radarsat2Lut {
  readonly offset: number;
  /** One per sample of a line, in image order. */
  readonly gains: Float64Array;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Reads a LUT file of the product at `root`; every fault throws naming the file and element. */
export async function readRadarsat2Lut(root: string, file: string): Promise<Radarsat2Lut> {
  return parseRadarsat2Lut(await readRadarsat2Text(root, file), file);
}

/** Parses a LUT's text: the offset a number, the gains positive numbers. */
export function parseRadarsat2Lut(text: string, file: string): Radarsat2Lut {
  return readRadarsat2Xml(text, file, (lut) => {
    const offset = lut.get("offset").value(numberText);
    const element = lut.get("gains");
    const tokens = element
      .text()
      .split(/\s+/)
      .filter((t) => t !== "");
    if (tokens.length === 0) throw element.error(`<${element.path}> is empty`);
    const gains = new Float64Array(tokens.length);
    tokens.forEach((token, i) => {
      const gain = NUMBER.test(token) ? Number(token) : NaN;
      if (!(gain > 0) || !Number.isFinite(gain)) {
        const what = Number.isNaN(gain) ? "is not a number" : "is not a positive number";
        throw element.error(
          `<${element.path}> value ${i + 1} of ${tokens.length} ${what}: ${JSON.stringify(token)}`,
        );
      }
      gains[i] = gain;
    });
    return { offset, gains };
  });
}

/** Checks that a LUT has one gain per sample of a line; throws naming the file when it has not. */
export function checkRadarsat2LutLength(
  lut: Radarsat2Lut,
  file: string,
  samplesPerLine: number,
): Radarsat2Lut {
  if (lut.gains.length !== samplesPerLine) {
    throw new Radarsat2MetadataError(
      `${file}: <gains> holds ${lut.gains.length} values, not one per sample (${PRODUCT_XML} numberOfSamplesPerLine ${samplesPerLine})`,
    );
  }
  return lut;
}

/** The product's LUT for a calibration, read and checked against its line length. */
export async function readRadarsat2Calibration(
  root: string,
  product: Radarsat2Product,
  calibration: Calibration,
): Promise<Radarsat2Lut> {
  const file = product.lutFiles[calibration];
  if (file === undefined) {
    throw new Radarsat2MetadataError(
      `${PRODUCT_XML}: no <imageAttributes/lookupTable incidenceAngleCorrection="${LUT_CORRECTIONS[calibration]}"> (${product.productType} product), so no ${calibration}`,
    );
  }
  return checkRadarsat2LutLength(await readRadarsat2Lut(root, file), file, product.samplesPerLine);
}
