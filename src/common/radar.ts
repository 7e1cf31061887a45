import { z } from "zod";

// The radar vocabulary shared by the config (PARAMS.RS2, PARAMS.RCM), requests and job.json: which backscatter
// coefficient, which speckle filter and window, which units. The SAR steps themselves are in src/pipeline/sar/.

/** The backscatter coefficient a radar scene is calibrated to, in linear power. */
export const CalibrationSchema = z.enum(["sigma0", "beta0", "gamma0"]);
export type Calibration = z.infer<typeof CalibrationSchema>;

/** gamma: Gamma-MAP (Lopes et al. 1990); lee: Lee (1980); none: no filter. */
export const SpeckleFilterKindSchema = z.enum(["gamma", "lee", "none"]);
export type SpeckleFilterKind = z.infer<typeof SpeckleFilterKindSchema>;

/** pow: linear power; amp: its square root; dB: 10 log10 of it. */
export const RadarUnitsSchema = z.enum(["pow", "amp", "dB"]);
export type RadarUnits = z.infer<typeof RadarUnitsSchema>;

export const DEFAULT_FILTER_WINDOW = 7;
export const MAX_FILTER_WINDOW = 25;

/** The filter's window: an odd number of pixels a side. */
export const FilterWindowSchema = z
  .number()
  .int("must be a whole number of pixels")
  .min(3, "must be at least 3 pixels")
  .max(MAX_FILTER_WINDOW, `must be at most ${MAX_FILTER_WINDOW} pixels`)
  .refine((n) => n % 2 === 1, "must be odd (the window is centred on its pixel)");

/** What a job asks of its radar scenes, resolved from the request and the sensor's PARAMS block. */
export interface RadarOptions {
  readonly calibration: Calibration;
  readonly filter: SpeckleFilterKind;
  readonly window: number;
  readonly units: RadarUnits;
  /** Beam modes to process (W2, S3...); a product of another mode is skipped. undefined: every mode. */
  readonly modes: readonly string[] | undefined;
  /** Subtract the product's noise-equivalent backscatter (RCM's noiseLevels files); off when absent. */
  readonly noiseRemoval?: boolean | undefined;
}

export const RadarOptionsSchema = z.strictObject({
  calibration: CalibrationSchema,
  filter: SpeckleFilterKindSchema,
  window: FilterWindowSchema,
  units: RadarUnitsSchema,
  modes: z.array(z.string().min(1)).min(1).optional(),
  noiseRemoval: z.boolean().optional(),
});
