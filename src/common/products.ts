import { z } from "zod";

// The quantities a job may ask for, across sensors: each sensor says which of them its scenes can give.

export const ProductSchema = z.enum(["dn", "radiance", "toa", "sr"]);
export type Product = z.infer<typeof ProductSchema>;
