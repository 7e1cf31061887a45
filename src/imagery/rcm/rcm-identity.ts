import { CalibrationSchema } from "../../common/radar.js";
import type { SensorIdentity } from "../sensor-identity.js";
import { RCM_CHANNELS } from "./rcm-product-schema.js";
import { parseRcmSceneId, RCM_ID_EXAMPLE, type RcmSceneId } from "./rcm-scene-id.js";

// The RADARSAT Constellation Mission as the API knows it: product names, channels (linear polarisations and
// compact polarimetry CH/CV), and the backscatter coefficients a product calibrates to.

/** The narrowest beam (Spotlight, 5 km x 20 km) images the least ground of any mode. */
const SPOTLIGHT_AREA_M2 = 5_000 * 20_000;

export const rcmIdentity: SensorIdentity<RcmSceneId> = {
  name: "RCM",
  kind: "radar",
  title: "RCM",
  idForms: [RCM_ID_EXAMPLE],
  parseId: parseRcmSceneId,
  bandNames: RCM_CHANNELS,
  productsFor: () => CalibrationSchema.options,
  defaultProduct: () => "sigma0",
  minSceneAreaM2: SPOTLIGHT_AREA_M2,
};
