import { z } from "zod";
import { ProductSchema } from "../../common/products.js";
import { LandsatBandSchema } from "./landsat-bands.js";

// PARAMS.LC8 in config.yaml, as the seed wrote it: the bands to make, the product, and whether every band is
// clipped to the footprint they share.

export const LandsatParamsSchema = z.strictObject({
  bands: z.array(LandsatBandSchema).min(1).default(["B2", "B3", "B4", "B5", "B6", "B7"]),
  product: ProductSchema.default("sr"),
  resamp_clip: z.boolean().default(true),
});
