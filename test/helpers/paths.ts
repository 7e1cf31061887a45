import path from "node:path";
import { fileURLToPath } from "node:url";

// Where tests find the repository, its build, and the shared real-data fixtures.

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Real Landsat, Sentinel-2 and SRTM data beside the clone (read-only: copy before writing). */
export const SHARED_STORAGE = path.resolve(REPO, "..", "shared", "fixtures", "storage");
export const BUILT_SERVER = path.join(REPO, "dist", "server.js");
export const BUILT_WORKER = path.join(REPO, "dist", "worker", "main.js");
export const FIXTURE_WORKERS = path.join(REPO, "test", "fixtures", "workers");

export const ALBERS_CANADA =
  "+proj=aea +lat_1=44.75 +lat_2=55.75 +lat_0=40 +lon_0=-96 +x_0=0 +y_0=0 +ellps=WGS84 +datum=WGS84 +units=m +no_defs";

export const SCENES = {
  l2: { id: "LC08_L2SP_017036_20130419_20200913_02_T2", path: "017", row: "036" },
  l1: { id: "LC08_L1TP_016037_20170813_20170814_01_RT", path: "016", row: "037" },
  south: { id: "LC08_L2SP_001062_20201031_20201106_02_T2", path: "001", row: "062" },
  missing: { id: "LC08_L1TP_015028_20200814_20200822_01_T1", path: "015", row: "028" },
} as const;

/** A fixture scene's folder in the shared storage (read-only). */
export function fixtureSceneDir(scene: { id: string; path: string; row: string }): string {
  return path.join(SHARED_STORAGE, "l8-l2a-products", "tiles", scene.path, scene.row, scene.id);
}

/** The real Sentinel-2 L2A product (baseline 04.00, 60 m bands only) and its tile folder under the storage. */
export const S2_L2A = {
  id: "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454",
  tileDir: "s2-l2a-products/tiles/29/U/NU",
} as const;
