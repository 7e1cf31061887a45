import { z } from "zod";
import type { Config } from "../config/config.js";
import { identifyScene, SENSOR_IDENTITIES, type IdentifiedScene } from "../imagery/identify-scene.js";
import { SceneIdError } from "../imagery/scene-id-error.js";
import { ProductSchema } from "../common/products.js";
import {
  CalibrationSchema,
  FilterWindowSchema,
  RadarUnitsSchema,
  SpeckleFilterKindSchema,
} from "../common/radar.js";
import { ReflectanceTypeSchema, ResamplingSchema, type JobRequest } from "../jobs/job-spec.js";
import { ClipSchema } from "../common/area-of-interest.js";
import { SENSOR_NAMES } from "../imagery/sensor-name.js";
import { MaskFlagSchema } from "../common/mask-flags.js";
import { JobStateSchema } from "../jobs/status-document.js";

// What POST /agricarta/preprocessing accepts. Scene ids must be real ids of a supported sensor (Landsat 8/9,
// Sentinel-2, RADARSAT-2, RCM), which also keeps path tricks (separators, "..", NUL) out of the storage layout; what
// depends on a scene's sensor and level (products, bands, harmonize, the radar options, whole-scene size) is
// checked from its id.

export interface RequestLimits {
  readonly maxScenes: number;
  readonly maxCores: number;
  readonly defaultResolution: number;
  readonly defaultDeleteIntermediate: boolean;
  readonly minResolution: number;
  readonly maxOutputPixels: number;
}

/** The limits a config sets on requests. */
export function requestLimitsFrom(config: Config): RequestLimits {
  return {
    maxScenes: config.maxScenesPerJob,
    maxCores: config.cpuCores,
    defaultResolution: config.resolution,
    defaultDeleteIntermediate: config.deleteIntermediate,
    minResolution: config.minResolution,
    maxOutputPixels: config.maxOutputPixels,
  };
}

/** The coarsest grid a job may ask for, in metres. */
export const MAX_RESOLUTION = 10_000;

const MAX_SCENE_ID_LENGTH = 80;

const SceneIdSchema = z.string().superRefine((id, ctx) => {
  if (id.length > MAX_SCENE_ID_LENGTH) {
    ctx.addIssue({
      code: "custom",
      message: `is too long for a scene id (over ${MAX_SCENE_ID_LENGTH} characters)`,
    });
    return;
  }
  try {
    identifyScene(id);
  } catch (error) {
    if (!(error instanceof SceneIdError)) throw error;
    ctx.addIssue({ code: "custom", message: error.message });
  }
});

/** Band overrides per sensor: each list names bands of that sensor, once each. */
const BandsSchema = z.strictObject(
  Object.fromEntries(
    SENSOR_IDENTITIES.map((identity) => [
      identity.name,
      z
        .array(z.enum(identity.bandNames as [string, ...string[]]))
        .min(1, `names at least one ${identity.title} band`)
        .refine((bands) => new Set(bands).size === bands.length, "lists a band more than once")
        .optional(),
    ]),
  ),
);

const RADAR_FIELDS = ["calibration", "filter", "filter_window", "units"] as const;

/** The seed's clients send Python's str(bool): "True"/"False"; JSON clients send booleans. */
const SeedBooleanSchema = z.union([
  z.boolean(),
  z.enum(["true", "false", "True", "False"]).transform((s) => s.toLowerCase() === "true"),
]);

export function preprocessingRequestSchema(limits: RequestLimits): z.ZodType<JobRequest, unknown> {
  return z
    .strictObject({
      // The list's own rules run only once it is a list of strings (zod would apply length checks to a string).
      imagery_list: z.array(SceneIdSchema).pipe(
        z
          .array(z.string())
          .min(1, "must name at least one scene")
          .max(limits.maxScenes, `may name at most ${limits.maxScenes} scenes`)
          .refine((ids) => new Set(ids).size === ids.length, "lists a scene more than once"),
      ),
      resolution: z
        .number()
        // abort: a resolution that is not positive gets that one message, not the MIN_RESOLUTION one too.
        .positive({ message: "must be a positive number of metres", abort: true })
        .min(limits.minResolution, `must be at least ${limits.minResolution} metres (MIN_RESOLUTION)`)
        .max(MAX_RESOLUTION, `must be at most ${MAX_RESOLUTION} metres`)
        .default(limits.defaultResolution),
      cores: z
        .number()
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(limits.maxCores, `must be at most ${limits.maxCores} (CPU_CORES)`)
        .default(limits.maxCores),
      delete_intermediate: SeedBooleanSchema.default(limits.defaultDeleteIntermediate),
      product: ProductSchema.optional(),
      resampling: ResamplingSchema.optional(),
      reflectance_type: ReflectanceTypeSchema.optional(),
      clip: ClipSchema.optional(),
      mask: z
        .array(MaskFlagSchema)
        .min(1, "names at least one QA flag")
        .refine((flags) => new Set(flags).size === flags.length, "lists a flag more than once")
        .optional(),
      mask_output: z.boolean().optional(),
      bands: BandsSchema.optional(),
      harmonize: z.boolean().optional(),
      calibration: CalibrationSchema.optional(),
      filter: SpeckleFilterKindSchema.optional(),
      filter_window: FilterWindowSchema.optional(),
      units: RadarUnitsSchema.optional(),
      noise_removal: z.boolean().optional(),
    })
    .superRefine((body, ctx) => {
      // Zod runs this even when an id is invalid (that id has its own issue already): only valid ids are seen.
      const scenes = body.imagery_list.flatMap((id) => identified(id) ?? []);
      const ids = scenes.map(({ scene }) => scene.id);
      // "X" and "X.SAFE" are one scene (an exact repeat is refused above).
      if (new Set(body.imagery_list).size === body.imagery_list.length && new Set(ids).size < ids.length) {
        ctx.addIssue({ code: "custom", path: ["imagery_list"], message: "lists a scene more than once" });
      }
      // "The job has none" is only known once every id is valid.
      const allKnown = scenes.length === body.imagery_list.length;
      const has = (kind: "optical" | "radar"): boolean =>
        !allKnown || scenes.some(({ identity }) => identity.kind === kind);
      if (body.harmonize === true && allKnown && !scenes.some(({ identity }) => identity.name === "S2")) {
        ctx.addIssue({
          code: "custom",
          path: ["harmonize"],
          message: "applies to Sentinel-2 scenes, and the job has none",
        });
      }
      // The radar options apply to radar scenes: a job without any has no use for them.
      if (!has("radar")) {
        for (const field of RADAR_FIELDS) {
          if (body[field] === undefined) continue;
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: "applies to radar scenes (RADARSAT-2, RCM), and the job has none",
          });
        }
      }
      if (
        body.noise_removal !== undefined &&
        allKnown &&
        !scenes.some(({ identity }) => identity.name === "RCM")
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["noise_removal"],
          message: "applies to RCM scenes (from their noise-level files), and the job has none",
        });
      }
      if (body.product !== undefined && !has("optical")) {
        ctx.addIssue({
          code: "custom",
          path: ["product"],
          message: "applies to optical scenes (a radar scene's is its calibration), and the job has none",
        });
      }
      if (body.filter === "none" && body.filter_window !== undefined) {
        ctx.addIssue({ code: "custom", path: ["filter_window"], message: "needs a speckle filter" });
      }
      if (body.mask_output === true && body.mask === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["mask_output"],
          message: "needs mask: the flags to build it from",
        });
      }
      // Without a clip every scene's output covers at least the ground the scene images: too many pixels for
      // MAX_OUTPUT_PIXELS is known now. (With a clip only the worker knows; a scene too large fails there.)
      if (body.clip === undefined && body.resolution >= limits.minResolution) {
        const area = Math.max(0, ...scenes.map(({ identity }) => identity.minSceneAreaM2));
        const pixels = Math.round(area / body.resolution ** 2);
        if (pixels > limits.maxOutputPixels) {
          ctx.addIssue({
            code: "custom",
            path: ["resolution"],
            message:
              `would make about ${pixels.toExponential(1)} pixels per band for a whole scene, above ` +
              `MAX_OUTPUT_PIXELS (${limits.maxOutputPixels}); ask for a coarser resolution or a clip`,
          });
        }
      }
      // A product asked for by name that a scene's level cannot give is known now: refuse it now.
      if (body.product === undefined) return;
      for (const { identity, scene } of scenes) {
        // A radar scene makes its calibration, whatever the optical product.
        if (identity.kind !== "optical") continue;
        const products = identity.productsFor(scene);
        if (!products.includes(body.product)) {
          ctx.addIssue({
            code: "custom",
            path: ["product"],
            message: `${body.product} cannot be made from ${scene.id} (it gives ${products.join(", ")})`,
          });
        }
      }
    })
    .transform((body): JobRequest => {
      const {
        product,
        resampling,
        reflectance_type,
        clip,
        mask,
        mask_output,
        bands,
        harmonize,
        calibration,
        filter,
        filter_window,
        units,
        noise_removal,
        ...rest
      } = body;
      const overrides = Object.fromEntries(
        SENSOR_NAMES.flatMap((name) => (bands?.[name] === undefined ? [] : [[name, bands[name]]])),
      );
      return {
        ...rest,
        ...(Object.keys(overrides).length === 0 ? {} : { bands: overrides }),
        ...(harmonize === undefined ? {} : { harmonize }),
        ...(calibration === undefined ? {} : { calibration }),
        ...(filter === undefined ? {} : { filter }),
        ...(filter_window === undefined ? {} : { filter_window }),
        ...(units === undefined ? {} : { units }),
        ...(noise_removal === undefined ? {} : { noise_removal }),
        ...(mask_output === undefined ? {} : { mask_output }),
        ...(mask === undefined ? {} : { mask }),
        ...(clip === undefined ? {} : { clip }),
        ...(product === undefined ? {} : { product }),
        ...(resampling === undefined ? {} : { resampling }),
        ...(reflectance_type === undefined ? {} : { reflectance_type }),
      };
    });
}

/** The scene's sensor and parsed id, or undefined for an id that is not valid (it has its own issue). */
function identified(id: string): IdentifiedScene | undefined {
  try {
    return identifyScene(id);
  } catch (error) {
    if (error instanceof SceneIdError) return undefined;
    throw error;
  }
}

export const ListQuerySchema = z.strictObject({
  status: JobStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.uuid("must be a job id from a previous page's next link").optional(),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;
