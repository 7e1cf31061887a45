import { locateSarProduct, sarDateDir, sarVsizipRoot } from "../sar/locate-sar-product.js";
import type { SceneLocation } from "../sensor.js";
import type { Radarsat2SceneId } from "./radarsat2-scene-id.js";

// Where a RADARSAT-2 product lives on the imagery volume, found with fs.stat alone (no GDAL): the product folder
// as MDA delivers it, or its zip, read in place through GDAL's /vsizip/ and never unpacked.
//
//   rs2-products/<YYYY>/<MM>/<DD>/<product>/          (holding product.xml, lutSigma.xml..., imagery_HH.tif...)
//   rs2-products/<YYYY>/<MM>/<DD>/<product>.zip       (the <product>/ folder at its root)
//
// The date is the acquisition date of the id. A folder holding product.xml wins over a zip of the same product; a
// folder without one is still returned when there is no zip, so that reading it names the missing file.

export const RADARSAT2_PRODUCTS_FOLDER = "rs2-products";

/** The date folder a product sits in, relative to the imagery storage: rs2-products/2015/08/22. */
export function radarsat2DateDir(scene: Radarsat2SceneId): string {
  return sarDateDir(RADARSAT2_PRODUCTS_FOLDER, scene.acquired);
}

/** The /vsizip/ path of a zipped product's folder. */
export function radarsat2VsizipRoot(zip: string, scene: Radarsat2SceneId): string {
  return sarVsizipRoot(zip, scene.id);
}

/** Finds the product as a folder (holding product.xml) or a zip. */
export function locateRadarsat2(imageryStorage: string, scene: Radarsat2SceneId): Promise<SceneLocation> {
  return locateSarProduct(imageryStorage, radarsat2DateDir(scene), scene.id, "product.xml");
}
