import { CalibrationSchema } from "../../common/radar.js";
import type { SensorIdentity } from "../sensor-identity.js";
import { RADARSAT2_POLARISATIONS } from "./radarsat2-product-schema.js";
import { parseRadarsat2SceneId, RADARSAT2_ID_EXAMPLE, type Radarsat2SceneId } from "./radarsat2-scene-id.js";

// RADARSAT-2 as the API knows it: product names, polarisations, and the backscatter coefficients a product
// calibrates to.

/** The narrowest beams (Spotlight, 18 km x 8 km) image the least ground of any mode. */
const SPOTLIGHT_AREA_M2 = 18_000 * 8_000;

export const radarsat2Identity: SensorIdentity<Radarsat2SceneId> = {
  name: "RS2",
  kind: "radar",
  title: "RADARSAT-2",
  idForms: [RADARSAT2_ID_EXAMPLE],
  parseId: parseRadarsat2SceneId,
  bandNames: RADARSAT2_POLARISATIONS,
  productsFor: () => CalibrationSchema.options,
  defaultProduct: () => "sigma0",
  minSceneAreaM2: SPOTLIGHT_AREA_M2,
};
