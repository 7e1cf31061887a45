import fs from "node:fs/promises";
import path from "node:path";
import { errnoCode } from "../../common/errors.js";
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
  const [year = "", month = "", day = ""] = scene.acquired.split("-");
  return path.join(RADARSAT2_PRODUCTS_FOLDER, year, month, day);
}

/** The /vsizip/ path of a zipped product's folder; braces keep GDAL from splitting the path elsewhere. */
export function radarsat2VsizipRoot(zip: string, scene: Radarsat2SceneId): string {
  return `/vsizip/{${path.resolve(zip)}}/${scene.id}`;
}

/** Finds the product as a folder or a zip; not found names, relative to the storage, where it was looked for. */
export async function locateRadarsat2(
  imageryStorage: string,
  scene: Radarsat2SceneId,
): Promise<SceneLocation> {
  const dir = radarsat2DateDir(scene);
  const folder = path.join(imageryStorage, dir, scene.id);
  const zip = `${folder}.zip`;
  const folderFound = (await statKind(folder)) === "dir";
  if (folderFound && (await statKind(path.join(folder, "product.xml"))) === "file") {
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
