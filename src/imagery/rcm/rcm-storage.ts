import { locateSarProduct, sarDateDir, sarVsizipRoot } from "../sar/locate-sar-product.js";
import type { SceneLocation } from "../sensor.js";
import { PRODUCT_XML } from "./rcm-product-schema.js";
import type { RcmSceneId } from "./rcm-scene-id.js";

// Where an RCM product lives on the imagery volume, found with fs.stat alone (no GDAL): the product folder as
// the CSA delivers it, or its zip, read in place through GDAL's /vsizip/ and never unpacked.
//
//   rcm-products/<YYYY>/<MM>/<DD>/<product>/          (manifest.safe, metadata/product.xml, imagery/VV.tif...)
//   rcm-products/<YYYY>/<MM>/<DD>/<product>.zip       (the <product>/ folder at its root)
//
// The date is the acquisition date of the id. A folder holding metadata/product.xml wins over a zip of the same
// product; a folder without one is still returned when there is no zip, so that reading it names the missing file.

export const RCM_PRODUCTS_FOLDER = "rcm-products";

/** The date folder a product sits in, relative to the imagery storage: rcm-products/2020/04/25. */
export function rcmDateDir(scene: RcmSceneId): string {
  return sarDateDir(RCM_PRODUCTS_FOLDER, scene.acquired);
}

/** The /vsizip/ path of a zipped product's folder. */
export function rcmVsizipRoot(zip: string, scene: RcmSceneId): string {
  return sarVsizipRoot(zip, scene.id);
}

/** Finds the product as a folder (holding metadata/product.xml) or a zip. */
export function locateRcm(imageryStorage: string, scene: RcmSceneId): Promise<SceneLocation> {
  return locateSarProduct(imageryStorage, rcmDateDir(scene), scene.id, PRODUCT_XML);
}
