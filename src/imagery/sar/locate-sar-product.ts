import path from "node:path";
import type { SceneLocation } from "../sensor.js";
import { statKind } from "../stat-kind.js";

// RADARSAT-2 and RCM products sit alike on the imagery storage, as a product folder or its zip beside it:
//
//   <products>/<YYYY>/<MM>/<DD>/<product>/        (holding the product's metadata file)
//   <products>/<YYYY>/<MM>/<DD>/<product>.zip     (the <product>/ folder at its root, read in place)
//
// A folder holding the metadata file wins over a zip of the same product; a folder without one is still returned
// when there is no zip, so that reading it names the missing file.

/** The date folder of an acquisition date (YYYY-MM-DD), relative to the storage: rs2-products/2015/08/22. */
export function sarDateDir(productsFolder: string, acquired: string): string {
  const [year = "", month = "", day = ""] = acquired.split("-");
  return path.join(productsFolder, year, month, day);
}

/** The /vsizip/ path of a zipped product's folder; braces keep GDAL from splitting the path elsewhere. */
export function sarVsizipRoot(zip: string, productId: string): string {
  return `/vsizip/{${path.resolve(zip)}}/${productId}`;
}

/** Finds the product as a folder or a zip; not found names, relative to the storage, where it was looked for. */
export async function locateSarProduct(
  imageryStorage: string,
  dateDir: string,
  productId: string,
  /** The file that makes a folder a product, relative to it: product.xml, metadata/product.xml. */
  metadataFile: string,
): Promise<SceneLocation> {
  const folder = path.join(imageryStorage, dateDir, productId);
  const zip = `${folder}.zip`;
  const folderFound = (await statKind(folder)) === "dir";
  if (folderFound && (await statKind(path.join(folder, metadataFile))) === "file") {
    return { found: true, source: folder, kind: "folder" };
  }
  if ((await statKind(zip)) === "file") return { found: true, source: zip, kind: "zip" };
  if (folderFound) return { found: true, source: folder, kind: "folder" };
  return { found: false, where: `${path.join(dateDir, productId)}/ (or ${productId}.zip)` };
}
