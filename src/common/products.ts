import { z } from "zod";
import { CalibrationSchema, type Calibration } from "./radar.js";

// The quantities a job may ask for, across sensors: each sensor says which of them its scenes can give. Optical
// scenes make a product (the request's `product`); radar scenes a backscatter coefficient (its `calibration`).

export const ProductSchema = z.enum(["dn", "radiance", "toa", "sr"]);
export type Product = z.infer<typeof ProductSchema>;

/** What a scene is made into: an optical product or a radar calibration. */
export const SceneProductSchema = z.union([ProductSchema, CalibrationSchema]);
export type SceneProduct = Product | Calibration;

/** The optical product, for an optical sensor's plan (the API never gives it a calibration). */
export function opticalProduct(product: SceneProduct): Product {
  const parsed = ProductSchema.safeParse(product);
  if (!parsed.success) throw new Error(`${product} is a radar calibration, not an optical product`);
  return parsed.data;
}
