import type { SensorIdentity } from "../sensor-identity.js";
import { Sentinel2BandSchema } from "./sentinel2-bands.js";
import { productsForLevel } from "./sentinel2-products.js";
import { parseSentinel2SceneId, SENTINEL2_ID_EXAMPLE, type Sentinel2SceneId } from "./sentinel2-scene-id.js";

// Sentinel-2 L1C and L2A as the API knows them: product names, bands, products.

/** A tile's rasters always cover the whole 109.8 km MGRS square (nodata where the swath does not reach). */
const TILE_AREA_M2 = 109_800 * 109_800;

export const sentinel2Identity: SensorIdentity<Sentinel2SceneId> = {
  name: "S2",
  kind: "optical",
  title: "Sentinel-2",
  idForms: [`${SENTINEL2_ID_EXAMPLE}[.SAFE]`],
  parseId: parseSentinel2SceneId,
  bandNames: Sentinel2BandSchema.options,
  productsFor: (scene) => productsForLevel(scene.level),
  defaultProduct: (scene) => (scene.level === "L2A" ? "sr" : "toa"),
  minSceneAreaM2: TILE_AREA_M2,
};
