import type { Product } from "../../common/products.js";
import {
  digitalNumbers,
  reflectance,
  type BandConversion,
  type ReflectanceType,
} from "../../pipeline/band-conversion.js";
import { ProductError } from "../landsat/landsat-products.js";
import type { Sentinel2Band } from "./sentinel2-bands.js";
import { hasAddOffsets } from "./sentinel2-baseline.js";
import type { Sentinel2Metadata } from "./sentinel2-metadata-schema.js";
import type { Sentinel2Level } from "./sentinel2-scene-id.js";

// Sentinel-2 products from the metadata's radiometry: the DNs themselves, TOA reflectance from L1C and surface
// (BOA) reflectance from L2A, both reflectance = (DN + offset) / quantification value. One linear scale and offset
// per band, so GDAL applies it while reading; DN 0 (NODATA) stays nodata because the pipeline skips it.

/** The products a Sentinel-2 level gives; known from the id, so the API can refuse a request at once. */
export function productsForLevel(level: Sentinel2Level): readonly Product[] {
  return level === "L1C" ? ["dn", "toa"] : ["dn", "sr"];
}

export type Sentinel2Radiometry = Pick<
  Sentinel2Metadata,
  "productId" | "level" | "processingBaseline" | "quantificationValue" | "addOffsets"
>;

/** How a band's DNs become the product asked for; a product the level cannot give throws a ProductError. */
export function sentinel2BandConversion(
  metadata: Sentinel2Radiometry,
  band: Sentinel2Band,
  product: Product,
  reflectanceType: ReflectanceType,
): BandConversion {
  const products = productsForLevel(metadata.level);
  if (!products.includes(product)) {
    throw new ProductError(
      `product ${product} cannot be made from a Sentinel-2 ${metadata.level} product (it gives ${products.join(", ")})`,
    );
  }
  if (product === "dn") {
    return digitalNumbers(band);
  }
  const q = metadata.quantificationValue;
  const offset = bandOffset(metadata, band);
  const what = product === "toa" ? "top-of-atmosphere" : "surface";
  return reflectance(
    product === "toa" ? "toa" : "sr",
    `${band} ${what} reflectance`,
    1 / q,
    offset / q,
    reflectanceType,
  );
}

/** The band's DN offset: the metadata's from baseline 04.00 (where a missing one is an error), 0 before. */
function bandOffset(metadata: Sentinel2Radiometry, band: Sentinel2Band): number {
  const offset = metadata.addOffsets[band];
  if (offset !== undefined) return offset;
  if (hasAddOffsets(metadata.processingBaseline)) {
    const element = metadata.level === "L1C" ? "RADIO_ADD_OFFSET" : "BOA_ADD_OFFSET";
    throw new ProductError(
      `${metadata.productId} (baseline ${metadata.processingBaseline}) has no ${element} for ${band}`,
    );
  }
  return 0;
}
