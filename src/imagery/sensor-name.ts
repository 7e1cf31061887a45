import { z } from "zod";
import type { SceneProduct } from "../common/products.js";
import type { RadarOptions } from "../common/radar.js";

// The sensors' names and resolved PARAMS blocks, apart from the sensor interface so that the config (and through
// it the API) can name them without reaching the pipeline.

/** Each sensor's key under PARAMS in config.yaml. */
export const SENSOR_NAMES = ["LC8", "S2", "RS2", "RCM"] as const;
export type SensorName = (typeof SENSOR_NAMES)[number];

/** A sensor's PARAMS block, resolved: the bands to make, the default product, one footprint for all bands. */
export interface SensorParams {
  readonly bands: readonly string[];
  /** undefined: each scene's own default (Sentinel-2: sr for L2A, toa for L1C). Radar: the calibration. */
  readonly product: SceneProduct | undefined;
  readonly resampClip: boolean;
  /** A radar sensor's filter, units and beam modes. */
  readonly radar?: RadarOptions | undefined;
}

export const SensorNameSchema = z.enum(SENSOR_NAMES);
