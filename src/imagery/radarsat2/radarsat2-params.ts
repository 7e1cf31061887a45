import { radarParamsSchema } from "../sar/radar-params.js";
import { RADARSAT2_POLARISATIONS, Radarsat2PolarisationSchema } from "./radarsat2-product-schema.js";

// PARAMS.RS2 in config.yaml. The seed's block ({filter: gamma, modes: [W2]}) loads unchanged; bands are the
// polarisations to make (default: every one a product has).

export const Radarsat2ParamsSchema = radarParamsSchema(Radarsat2PolarisationSchema, RADARSAT2_POLARISATIONS);
