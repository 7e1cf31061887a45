import { z } from "zod";
import {
  CalibrationSchema,
  DEFAULT_FILTER_WINDOW,
  FilterWindowSchema,
  RadarUnitsSchema,
  SpeckleFilterKindSchema,
} from "../../common/radar.js";

// PARAMS.RS2 (and PARAMS.RCM) in config.yaml: the seed's block (filter, modes) loads unchanged; every key has a
// default. bands are the polarisations (or RCM channels) to make, of those a product has.

export function radarParamsSchema<Band extends string>(
  bands: z.ZodEnum<{ [K in Band]: K }>,
  defaultBands: readonly Band[],
) {
  return z.strictObject({
    bands: z
      .array(bands)
      .min(1)
      .default([...defaultBands]),
    /** The backscatter coefficient, in linear power before units apply. */
    calibration: CalibrationSchema.default("sigma0"),
    filter: SpeckleFilterKindSchema.default("gamma"),
    /** The speckle filter's window, pixels a side (odd). */
    window: FilterWindowSchema.default(DEFAULT_FILTER_WINDOW),
    units: RadarUnitsSchema.default("dB"),
    /** Beam mode mnemonics to process; a product of another mode is skipped. Absent: every mode. */
    modes: z.array(z.string().trim().min(1)).min(1).optional(),
    resamp_clip: z.boolean().default(true),
  });
}
