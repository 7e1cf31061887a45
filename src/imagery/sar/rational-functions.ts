import type { Rpc, RpcKey } from "../radarsat2/radarsat2-product-schema.js";
import type { XmlElement } from "../sentinel2/xml-element.js";

// A RADARSAT-2 or RCM product's rationalFunctions element as GDAL's RPC metadata domain, mapped as GDAL's RS2
// and RCM drivers map it (pixel* -> SAMP_*), so gdalwarp -rpc reads the model the product states. GDAL passes the
// values on as written, so its own test products (placeholder words in RS2's, zeros in RCM's) come out as models
// no transformer can use; here such a block means "no model".

/** The element behind each GDAL RPC key (frmts/rs2/rs2dataset.cpp, frmts/rcm/rcmdataset.cpp). */
export const RPC_ELEMENTS: Readonly<Record<RpcKey, string>> = {
  LINE_OFF: "lineOffset",
  SAMP_OFF: "pixelOffset",
  LAT_OFF: "latitudeOffset",
  LONG_OFF: "longitudeOffset",
  HEIGHT_OFF: "heightOffset",
  LINE_SCALE: "lineScale",
  SAMP_SCALE: "pixelScale",
  LAT_SCALE: "latitudeScale",
  LONG_SCALE: "longitudeScale",
  HEIGHT_SCALE: "heightScale",
  LINE_NUM_COEFF: "lineNumeratorCoefficients",
  LINE_DEN_COEFF: "lineDenominatorCoefficients",
  SAMP_NUM_COEFF: "pixelNumeratorCoefficients",
  SAMP_DEN_COEFF: "pixelDenominatorCoefficients",
};

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** A rational polynomial in latitude, longitude and height has 20 terms (RPC00B order). */
const COEFFICIENTS = 20;

/**
 * The product's RPC model: undefined when it has no rationalFunctions, or when every value is 0 or a placeholder
 * that is no number; a block that is partly numbers, has the wrong number of coefficients or a scale of 0 among
 * other values throws naming the element.
 */
export function readRationalFunctions(geographic: XmlElement): Rpc | undefined {
  const functions = geographic.find("rationalFunctions");
  if (functions === undefined) return undefined;
  const values = (Object.keys(RPC_ELEMENTS) as RpcKey[]).map((key) => {
    const element = functions.get(RPC_ELEMENTS[key]);
    const tokens = element
      .text()
      .split(/\s+/)
      .filter((t) => t !== "");
    return { key, element, tokens, numeric: tokens.filter((t) => NUMBER.test(t)) };
  });
  const empty = values.every(({ tokens, numeric }) =>
    numeric.length === 0 ? true : numeric.length === tokens.length && numeric.every((t) => Number(t) === 0),
  );
  if (empty) return undefined;
  const rpc: Partial<Record<RpcKey, string>> = {};
  for (const { key, element, tokens, numeric } of values) {
    const count = key.endsWith("_COEFF") ? COEFFICIENTS : 1;
    if (numeric.length !== tokens.length || tokens.length !== count) {
      const what = count === 1 ? "a number" : `${COEFFICIENTS} numbers`;
      throw element.error(`<${element.path}> is not ${what}: ${JSON.stringify(element.text())}`);
    }
    if (key.endsWith("_SCALE") && Number(tokens[0]) === 0) throw element.error(`<${element.path}> is 0`);
    rpc[key] = tokens.join(" ");
  }
  return rpc as Rpc;
}
