import { z } from "zod";
import { LandsatBandSchema, ProductSchema } from "../config/config-schema.js";
import { ClipSchema } from "../pipeline/area-of-interest.js";
import { MaskFlagSchema } from "../pipeline/qa-mask.js";
import { RESAMPLING_METHODS } from "../pipeline/resampling.js";

// job.json: the validated request plus every parameter the worker needs, resolved from the config when the job
// was accepted. Written once by the API; the worker reads nothing else, so a config change never alters a job
// that is already queued or running.

export const ResamplingSchema = z.enum(RESAMPLING_METHODS);
export const ReflectanceTypeSchema = z.enum(["int16", "float32"]);

export const JobRequestSchema = z.strictObject({
  imagery_list: z.array(z.string()).min(1),
  resolution: z.number().positive(),
  cores: z.number().int().positive(),
  delete_intermediate: z.boolean(),
  /** Overrides PARAMS.LC8.product for this job. */
  product: ProductSchema.optional(),
  /** For continuous bands; QA bands are always resampled with nearest. Default bilinear. */
  resampling: ResamplingSchema.optional(),
  /** How reflectance is stored: int16 scaled by 1e-4 (default) or float32. */
  reflectance_type: ReflectanceTypeSchema.optional(),
  /** Area of interest: GeoJSON Polygon/MultiPolygon or bbox, EPSG:4326. */
  clip: ClipSchema.optional(),
  /** QA flags whose pixels become nodata in every band. */
  mask: z.array(MaskFlagSchema).min(1).optional(),
  /** Also publish the mask itself, per scene. */
  mask_output: z.boolean().optional(),
});
export type JobRequest = z.infer<typeof JobRequestSchema>;

export const JobSpecSchema = z.strictObject({
  jobId: z.uuid(),
  created: z.iso.datetime(),
  /** The principal that submitted the job (jobs from before authentication belong to "anonymous"). */
  owner: z.string().min(1).default("anonymous"),
  request: JobRequestSchema,
  resolved: z.strictObject({
    imageryStorage: z.string(),
    /** Where results are published, relative to imageryStorage. */
    publishPath: z.string(),
    projection: z.string(),
    bands: z.array(LandsatBandSchema).min(1),
    product: ProductSchema,
    resampClip: z.boolean(),
    logLevel: z.string(),
    heartbeatIntervalMs: z.number().positive(),
    staging: z.enum(["copy", "in_place"]),
  }),
});
export type JobSpec = z.infer<typeof JobSpecSchema>;
