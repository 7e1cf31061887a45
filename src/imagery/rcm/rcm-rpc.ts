import { RPC_ELEMENTS } from "../radarsat2/radarsat2-rpc.js";
import type { Rpc, RpcKey } from "../radarsat2/radarsat2-product-schema.js";
import type { XmlElement } from "../sentinel2/xml-element.js";

// imageReferenceAttributes/geographicInformation/rationalFunctions as GDAL's RPC metadata domain: the same
// elements as RADARSAT-2's, mapped as GDAL's RCM driver maps them (pixel* -> SAMP_*). GDAL passes them on as
// written, so its own test product, all zeros, comes out as an RPC model of zeros that no transformer can use;
// here such a block, like one of placeholder words, means "no model".

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** A rational polynomial in latitude, longitude and height has 20 terms (RPC00B order). */
const COEFFICIENTS = 20;

/**
 * The product's RPC model: undefined when it has no rationalFunctions, or when every value is 0 or a placeholder
 * that is no number; a block that is partly numbers, has the wrong number of coefficients or a scale of 0 among
 * other values throws naming the element.
 */
export function readRcmRationalFunctions(geographic: XmlElement): Rpc | undefined {
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
