import type { RadarOptions } from "../../common/radar.js";
import { backscatter, FLOAT32_NODATA } from "../../pipeline/band-conversion.js";
import type { QuicklookLook } from "../../pipeline/quicklook.js";
import { calibrateAndFilter, type Georeferencing } from "../../pipeline/sar/calibrate-and-filter.js";
import type { RadarCalibration } from "../../pipeline/sar/sar-calibration.js";
import type { BandPlan } from "../../pipeline/scene-output.js";
import { SceneSkippedError } from "../sensor.js";
import type { SarGeolocation } from "./sar-geolocation.js";

// The part of a radar scene's plan that RADARSAT-2 and RCM share once each has read its product: the beam-mode
// filter, and per channel a band that calibrates and filters speckle in the product's geometry (linear power),
// warps with the scene's geolocation, and makes the units after the warp.

/** A channel (polarisation) of the product, its image and its calibration. */
export interface SarChannel {
  readonly band: string;
  /** The GDAL dataset of its samples. */
  readonly source: string;
  readonly calibration: RadarCalibration;
}

/** Skips the scene when PARAMS modes are set and its beam mode is not among them. */
export function checkBeamMode(sensor: string, beamMode: string, radar: RadarOptions): void {
  if (radar.modes === undefined || radar.modes.includes(beamMode)) return;
  throw new SceneSkippedError(
    `beam mode ${beamMode} is not among PARAMS.${sensor}.modes (${radar.modes.join(", ")})`,
  );
}

export function sarBandPlans(
  channels: readonly SarChannel[],
  radar: RadarOptions,
  /** The product's equivalent number of looks, for the speckle filter. */
  looks: number,
  geolocation: SarGeolocation,
  georeferencing: Georeferencing,
): BandPlan[] {
  return channels.map(({ band, source, calibration }) => ({
    band,
    source,
    conversion: backscatter(band, radar.calibration, radar.units),
    transformer: geolocation.transformer,
    prepare: {
      nodata: FLOAT32_NODATA,
      run: async (target) => {
        await calibrateAndFilter({
          source,
          band: 1,
          calibration,
          filter: { kind: radar.filter, window: radar.window, looks },
          target,
          georeferencing,
        });
      },
    },
  }));
}

/** What the provenance says of the radar steps (the sensor adds its LUT and geolocation). */
export function sarProvenance(radar: RadarOptions, looks: number): Record<string, unknown> {
  return {
    calibration: radar.calibration,
    speckleFilter:
      radar.filter === "none"
        ? null
        : { kind: radar.filter, window: radar.window, looks, looksFrom: "product.xml" },
    units: radar.units,
    resampledIn: "linear power",
  };
}

/** Co- and cross-polarised pairs (and RCM's compact-polarimetry channels), for the quicklook. */
const DUAL_CHANNELS = [
  { co: "HH", cross: "HV" },
  { co: "VV", cross: "VH" },
  { co: "CH", cross: "CV" },
] as const;

/** The quicklook: a dual-polarisation composite when the scene has a pair, else its first band in dB. */
export function sarLook(bands: readonly string[], units: RadarOptions["units"]): QuicklookLook {
  const pair = DUAL_CHANNELS.find((p) => bands.includes(p.co) && bands.includes(p.cross));
  return pair === undefined ? { units } : { dualPolarisation: pair, units };
}
