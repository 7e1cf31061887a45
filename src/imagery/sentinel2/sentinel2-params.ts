import { z } from "zod";
import { ProductSchema } from "../../common/products.js";
import { SENTINEL2_DEFAULT_BANDS, Sentinel2BandSchema } from "./sentinel2-bands.js";

// PARAMS.S2 in config.yaml. The seed's block (bands and resamp_clip) loads unchanged; product, when absent, is
// each scene's own: sr for L2A, toa for L1C.

export const Sentinel2ParamsSchema = z.strictObject({
  bands: z
    .array(Sentinel2BandSchema)
    .min(1)
    .default([...SENTINEL2_DEFAULT_BANDS]),
  product: ProductSchema.optional(),
  resamp_clip: z.boolean().default(true),
});
