import path from "node:path";
import type { LandsatBand } from "../config/config-schema.js";
import { MtlError, mtlGroup, type MtlGroup } from "./mtl.js";

// Which file holds each band, as the MTL names it: never guessed from file-name patterns.

/** Collection 2 lists delivered files in PRODUCT_CONTENTS; Collection 1 and earlier in PRODUCT_METADATA. */
const CONTENT_GROUPS = [
  "LANDSAT_METADATA_FILE.PRODUCT_CONTENTS",
  "L1_METADATA_FILE.PRODUCT_METADATA",
] as const;

export function bandFileName(mtl: MtlGroup, band: LandsatBand): string {
  const where = CONTENT_GROUPS.find((group) => mtlGroup(mtl, group) !== undefined);
  if (where === undefined) {
    throw new MtlError(`MTL has no ${CONTENT_GROUPS.join(" or ")} group listing the band files`);
  }
  const contents = mtlGroup(mtl, where)!;
  const number = band.slice(1);
  // Level-2 products name the surface temperature band FILE_NAME_BAND_ST_B10.
  const keys = [`FILE_NAME_BAND_${number}`, `FILE_NAME_BAND_ST_B${number}`];
  const key = keys.find((k) => typeof contents[k] === "string");
  if (key === undefined)
    throw new MtlError(`MTL has no ${where.split(".")[1]}.${keys[0]}: band ${band} is not in this product`);
  const name = contents[key] as string;
  if (name === "" || name !== path.basename(name) || name === "..") {
    throw new MtlError(`MTL ${key} is not a plain file name: ${JSON.stringify(name)}`);
  }
  return name;
}
