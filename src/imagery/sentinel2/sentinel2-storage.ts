import path from "node:path";
import { statKind } from "../stat-kind.js";
import type { Sentinel2Level, Sentinel2SceneId } from "./sentinel2-scene-id.js";

// Where a Sentinel-2 product lives on the imagery volume, found with fs.stat alone (no GDAL): an unpacked
// <product>.SAFE folder, or the zip ESA distributes, read in place through GDAL's /vsizip/ and never unpacked.
//
//   s2-l2a-products/tiles/<zone>/<latitude band>/<square>/<product>.SAFE/      (L1C: s2-l1c-products/...)
//   s2-l2a-products/tiles/<zone>/<latitude band>/<square>/<product>.SAFE.zip   (Copernicus Data Space download)
//   s2-l2a-products/tiles/<zone>/<latitude band>/<square>/<product>.zip        (SciHub-era download)
//
// Both zips hold the <product>.SAFE folder at their root. The zone folder has no leading zero (tiles/7/V/EG, as in
// the AWS sentinel-s2-l1c/l2a buckets); a volume laid out with two digits (tiles/07/V/EG, as Google's bucket) is
// found too. A folder wins over a zip of the same product.

export type Sentinel2Location =
  | { readonly kind: "folder"; readonly dir: string }
  | {
      readonly kind: "zip";
      readonly zip: string;
      /** The /vsizip/ path of the .SAFE folder inside. */
      readonly root: string;
    }
  | {
      readonly kind: "missing";
      /** What was looked for, relative to the imagery storage. */
      readonly where: string;
    };

/** The products folder of each level under IMAGERY_STORAGE. */
export function sentinel2ProductsFolder(level: Sentinel2Level): string {
  return level === "L2A" ? "s2-l2a-products" : "s2-l1c-products";
}

/** The tile folders a product may sit in, relative to the imagery storage: canonical first. */
export function sentinel2TileDirs(scene: Sentinel2SceneId): string[] {
  const zones = [scene.utmZone, scene.utmZone.padStart(2, "0")].filter((z, i, all) => all.indexOf(z) === i);
  return zones.map((zone) =>
    path.join(sentinel2ProductsFolder(scene.level), "tiles", zone, scene.latitudeBand, scene.square),
  );
}

/** The /vsizip/ path of a zipped product's .SAFE folder; braces keep GDAL from splitting the path elsewhere. */
export function vsizipRoot(zip: string, scene: Sentinel2SceneId): string {
  return `/vsizip/{${path.resolve(zip)}}/${scene.id}.SAFE`;
}

/** Finds the product as a folder or a zip; `missing` names the canonical place it was looked for. */
export async function locateSentinel2Scene(
  imageryStorage: string,
  scene: Sentinel2SceneId,
): Promise<Sentinel2Location> {
  const dirs = sentinel2TileDirs(scene);
  for (const dir of dirs) {
    const safe = path.join(imageryStorage, dir, `${scene.id}.SAFE`);
    if ((await statKind(safe)) === "dir") return { kind: "folder", dir: safe };
  }
  for (const dir of dirs) {
    for (const name of [`${scene.id}.SAFE.zip`, `${scene.id}.zip`]) {
      const zip = path.join(imageryStorage, dir, name);
      if ((await statKind(zip)) === "file") return { kind: "zip", zip, root: vsizipRoot(zip, scene) };
    }
  }
  return { kind: "missing", where: path.join(dirs[0]!, `${scene.id}.SAFE (or .SAFE.zip, .zip)`) };
}
