import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import {
  parseSentinel2SceneId,
  type Sentinel2SceneId,
} from "../../../../src/imagery/sentinel2/sentinel2-scene-id.js";
import { REPO, SHARED_STORAGE } from "../../../helpers/paths.js";

// The Sentinel-2 fixtures (read-only: see ../shared/fixtures/PROVENANCE.md) and a way to zip a product as ESA does.

/** Real L2A, baseline 04.00, only the 60 m band files present. */
export const L2A_ID = "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454";
export const L2A_TILE_DIR = path.join(SHARED_STORAGE, "s2-l2a-products", "tiles", "29", "U", "NU");
export const L2A_SAFE = path.join(L2A_TILE_DIR, `${L2A_ID}.SAFE`);
export const L2A_GRANULE = "GRANULE/L2A_T29UNU_A038058_20221005T115407";

/** GDAL's fake L2A, baseline 05.09, every resolution listed and present (tiny GeoTIFFs named .jp2, all 0). */
export const FAKE_ID = "S2B_MSIL2A_20230823T095559_N0509_R122_T34UCF_20230823T124759";
export const FAKE_SAFE = path.resolve(
  REPO,
  "..",
  "shared",
  "fixtures",
  "s2",
  "gdal-autotest",
  "fake_l2a_processing_baseline_5_09",
  `${FAKE_ID}.SAFE`,
);
export const FAKE_GRANULE = "GRANULE/L2A_T34UCF_A033753_20230823T095553";

export function sceneOf(id: string): Sentinel2SceneId {
  const scene = parseSentinel2SceneId(id);
  if (scene === undefined) throw new Error(`test: ${id} is not a Sentinel-2 id`);
  return scene;
}

export async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "agricarta-s2-"));
}

/** Zips `folder` (a path) into `zip`, the folder itself at the archive's root, with zip(1) or Python's zipfile. */
export async function zipFolder(folder: string, zip: string): Promise<void> {
  const cwd = path.dirname(folder);
  const name = path.basename(folder);
  try {
    await execa("zip", ["-qr", zip, name], { cwd });
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
    await execa("python3", ["-m", "zipfile", "-c", zip, name], { cwd });
  }
}
