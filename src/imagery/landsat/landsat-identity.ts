import type { SensorIdentity } from "../sensor-identity.js";
import { LandsatBandSchema } from "./landsat-bands.js";
import { productsForLevel } from "./landsat-products.js";
import { LANDSAT_SCENE_MIN_AREA_M2, parseLandsatSceneId, type LandsatSceneId } from "./landsat-scene-id.js";

// Landsat 8/9 as the API knows it: ids (pre-collection, Collection 1 and 2, Level-1 and Level-2), bands, products.

const levelOf = (scene: LandsatSceneId): "L1" | "L2" =>
  scene.level?.startsWith("L2") === true ? "L2" : "L1";

export const landsatIdentity: SensorIdentity<LandsatSceneId> = {
  name: "LC8",
  kind: "optical",
  title: "Landsat 8/9",
  idForms: ["LC08_L1TP_015028_20200814_20200822_01_T1", "LC80150282020227LGN00"],
  parseId: (id) => (/^L[COT]/.test(id) ? parseLandsatSceneId(id) : undefined),
  bandNames: LandsatBandSchema.options,
  productsFor: (scene) => productsForLevel(levelOf(scene)),
  // PARAMS.LC8.product always names one (default sr, as the seed); this is for a block without it.
  defaultProduct: (scene) => (levelOf(scene) === "L2" ? "sr" : "toa"),
  minSceneAreaM2: LANDSAT_SCENE_MIN_AREA_M2,
};
