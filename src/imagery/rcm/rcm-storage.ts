import fs from "node:fs/promises";
import path from "node:path";
import { errnoCode } from "../../common/errors.js";
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
  const [year = "", month = "", day = ""] = scene.acquired.split("-");
  return path.join(RCM_PRODUCTS_FOLDER, year, month, day);
}

/** The /vsizip/ path of a zipped product's folder; braces keep GDAL from splitting the path elsewhere. */
export function rcmVsizipRoot(zip: string, scene: RcmSceneId): string {
  return `/vsizip/{${path.resolve(zip)}}/${scene.id}`;
}

/** Finds the product as a folder or a zip; not found names, relative to the storage, where it was looked for. */
export async function locateRcm(imageryStorage: string, scene: RcmSceneId): Promise<SceneLocation> {
  const dir = rcmDateDir(scene);
  const folder = path.join(imageryStorage, dir, scene.id);
  const zip = `${folder}.zip`;
  const folderFound = (await statKind(folder)) === "dir";
  if (folderFound && (await statKind(path.join(folder, PRODUCT_XML))) === "file") {
    return { found: true, source: folder, kind: "folder" };
  }
  if ((await statKind(zip)) === "file") return { found: true, source: zip, kind: "zip" };
  if (folderFound) return { found: true, source: folder, kind: "folder" };
  return { found: false, where: `${path.join(dir, scene.id)}/ (or ${scene.id}.zip)` };
}

async function statKind(file: string): Promise<"dir" | "file" | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isDirectory() ? "dir" : stat.isFile() ? "file" : undefined;
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}
