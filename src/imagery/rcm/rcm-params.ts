import { z } from "zod";
import { radarParamsSchema } from "../sar/radar-params.js";
import { RCM_CHANNELS, RcmChannelSchema } from "./rcm-product-schema.js";

// PARAMS.RCM in config.yaml. The seed's block (bands: CH CV HH HV VH VV) loads unchanged; the other keys are
// those of PARAMS.RS2, plus noise_removal (default false).

export const RcmParamsSchema = radarParamsSchema(RcmChannelSchema, RCM_CHANNELS).extend({
  /** Subtract each channel's noise-equivalent backscatter (metadata/calibration/noiseLevels_<POL>.xml). */
  noise_removal: z.boolean().default(false),
});
