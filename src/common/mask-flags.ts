import { z } from "zod";

// The mask flags a request may name: one vocabulary for every sensor, each mapping it onto its own quality band.

export const MaskFlagSchema = z.enum([
  "fill",
  "dilated_cloud",
  "cirrus",
  "cloud",
  "cloud_shadow",
  "snow",
  "water",
]);
export type MaskFlag = z.infer<typeof MaskFlagSchema>;
