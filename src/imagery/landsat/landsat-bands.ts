import { z } from "zod";

// Landsat 8/9 OLI and TIRS band names, as PARAMS.LC8.bands, requests and the MTL name them.

export const LandsatBandSchema = z.enum(["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11"]);
export type LandsatBand = z.infer<typeof LandsatBandSchema>;
