import { z } from "zod";
import { SensorNameSchema } from "../imagery/sensor-name.js";
import { ProductSchema, SceneProductSchema } from "../common/products.js";
import {
  CalibrationSchema,
  FilterWindowSchema,
  RadarOptionsSchema,
  RadarUnitsSchema,
  SpeckleFilterKindSchema,
} from "../common/radar.js";
import { ClipSchema } from "../common/area-of-interest.js";
import { MaskFlagSchema } from "../common/mask-flags.js";
import { RESAMPLING_METHODS } from "../common/resampling.js";

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
  /** Overrides each sensor's PARAMS product for this job. */
  product: ProductSchema.optional(),
  /** Overrides a sensor's PARAMS bands for this job, by sensor ({"S2": ["B04", "B08"]}). */
  bands: z.partialRecord(SensorNameSchema, z.array(z.string()).min(1)).optional(),
  /** Sentinel-2 reflectance adjusted to Landsat 8 OLI (HLS bandpass coefficients). */
  harmonize: z.boolean().optional(),
  /** Radar scenes: the backscatter coefficient, speckle filter and window, and units (over PARAMS). */
  calibration: CalibrationSchema.optional(),
  filter: SpeckleFilterKindSchema.optional(),
  filter_window: FilterWindowSchema.optional(),
  units: RadarUnitsSchema.optional(),
  /** RCM scenes: subtract the noise-equivalent backscatter. */
  noise_removal: z.boolean().optional(),
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

/** The processes a job can run: the service's own, and OGC API - Processes' test process. */
export const ProcessIdSchema = z.enum(["preprocessing", "echo"]);
export type ProcessId = z.infer<typeof ProcessIdSchema>;

/**
 * The echo process (OGC API - Processes test suite): returns its string after `pause` seconds. It holds a real
 * worker slot meanwhile, so its pause is capped at a few seconds.
 */
export const MAX_ECHO_PAUSE_SECONDS = 5;
export const EchoInputsSchema = z.strictObject({
  stringInput: z.string().max(10_000, "must be at most 10,000 characters"),
  pause: z
    .number()
    .int("must be a whole number of seconds")
    .min(0, "must be at least 0")
    .max(MAX_ECHO_PAUSE_SECONDS, `must be at most ${MAX_ECHO_PAUSE_SECONDS} seconds`)
    .default(0),
});
export type EchoInputs = z.infer<typeof EchoInputsSchema>;

/** OGC API - Processes subscriber: URLs told about the job's progress (only those the config allows). */
export const SubscriberSchema = z.strictObject({
  successUri: z.url().optional(),
  inProgressUri: z.url().optional(),
  failedUri: z.url().optional(),
});

/** The subscriber as job.json keeps it: plus the base URL of the submitting request, for the callbacks' links. */
export const StoredSubscriberSchema = SubscriberSchema.extend({ linkBase: z.url().optional() });
export type Subscriber = z.infer<typeof StoredSubscriberSchema>;

const SensorParamsSpecSchema = z.strictObject({
  bands: z.array(z.string()).min(1),
  product: SceneProductSchema.optional(),
  resampClip: z.boolean(),
  radar: RadarOptionsSchema.optional(),
});

/** A job.json written before sensors were modules held Landsat's bands, product and resampClip at the top. */
function fromLandsatOnlySpec(resolved: unknown): unknown {
  if (typeof resolved !== "object" || resolved === null || "sensors" in resolved) return resolved;
  const { bands, product, resampClip, ...rest } = resolved as Record<string, unknown>;
  if (bands === undefined) return resolved;
  return { ...rest, sensors: { LC8: { bands, product, resampClip } } };
}

export const JobSpecSchema = z.strictObject({
  jobId: z.uuid(),
  created: z.iso.datetime(),
  /** The principal that submitted the job (jobs from before authentication belong to "anonymous"). */
  owner: z.string().min(1).default("anonymous"),
  process: ProcessIdSchema.default("preprocessing"),
  /** The preprocessing request; absent for echo jobs. */
  request: JobRequestSchema.optional(),
  /**
   * The echo process's inputs; absent for preprocessing jobs. Read back as they were accepted (a job from
   * before the pause was capped still loads; the worker caps its pause).
   */
  echo: z.strictObject({ stringInput: z.string(), pause: z.number().int().min(0) }).optional(),
  subscriber: StoredSubscriberSchema.optional(),
  resolved: z.preprocess(
    fromLandsatOnlySpec,
    z.strictObject({
      imageryStorage: z.string(),
      /** Where results are published, relative to imageryStorage. */
      publishPath: z.string(),
      projection: z.string(),
      /** Each sensor's PARAMS block when the job was accepted. */
      sensors: z.partialRecord(SensorNameSchema, SensorParamsSpecSchema),
      /** Which sensor each scene of the request is, in request order. */
      scenes: z.array(z.strictObject({ id: z.string(), sensor: SensorNameSchema })).optional(),
      logLevel: z.string(),
      heartbeatIntervalMs: z.number().positive(),
      staging: z.enum(["copy", "in_place"]),
      /** MAX_OUTPUT_PIXELS when the job was accepted (jobs from before it have the default). */
      maxOutputPixels: z.number().int().positive().default(1_000_000_000),
      /** SRTM_DIR when the job was accepted: the DEM for radar terrain correction. */
      srtmDir: z.string().optional(),
    }),
  ),
});
export type JobSpec = z.infer<typeof JobSpecSchema>;

/** A job.json must carry the inputs of its own process and no other. */
export function specProblem(spec: JobSpec): string | undefined {
  if (spec.process === "preprocessing" && (spec.request === undefined || spec.echo !== undefined))
    return "a preprocessing job needs request and no echo inputs";
  if (spec.process === "echo" && (spec.echo === undefined || spec.request !== undefined))
    return "an echo job needs echo inputs and no request";
  return undefined;
}
