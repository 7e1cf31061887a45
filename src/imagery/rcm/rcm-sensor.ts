import type { Georeferencing } from "../../pipeline/sar/calibrate-and-filter.js";
import { gcpGeolocation, rpcGeolocation, tiePointBox, tiePointGcps } from "../sar/sar-geolocation.js";
import {
  checkBeamMode,
  sarBandPlans,
  sarLook,
  sarProvenance,
  type SarChannel,
} from "../sar/sar-scene-plan.js";
import type { ScenePlan, Sensor } from "../sensor.js";
import { rcmDescription } from "./rcm-description.js";
import { rcmIdentity } from "./rcm-identity.js";
import { readRcmCalibration } from "./rcm-lut.js";
import { RcmMetadataError } from "./rcm-metadata-error.js";
import { readRcmChannelNoise } from "./rcm-noise.js";
import { rcmProductFile } from "./rcm-product-files.js";
import { GEOCODED_TYPES, type RcmProduct } from "./rcm-product-schema.js";
import { readRcmProduct } from "./rcm-product.js";
import type { RcmSceneId } from "./rcm-scene-id.js";
import { locateRcm, rcmVsizipRoot } from "./rcm-storage.js";

// RCM in the worker, read by the service (GDAL 3.6 has no RCM driver): metadata/product.xml, each channel's LUT
// expanded over the line (a negative step runs the table backwards, a step above 1 is interpolated), the noise
// levels when noise removal is asked for, then the SAR steps RADARSAT-2 uses: calibrate and filter in the
// product's geometry, terrain-correct with the RPCs over the SRTM DEM, units after the warp.

export const rcmSensor: Sensor<RcmSceneId> = {
  ...rcmIdentity,
  locate: locateRcm,
  readRoot: (path, kind, scene) => (kind === "zip" ? rcmVsizipRoot(path, scene) : path),
  async plan(root, scene, request): Promise<ScenePlan> {
    const radar = request.radar;
    if (radar === undefined) throw new Error(`${scene.id}: the job gives no radar options`);
    const product = await readRcmProduct(root);
    const kind = sampleKind(product);
    checkBeamMode("RCM", product.beamMode, radar);
    const channels = product.channels.filter((channel) => request.bands.includes(channel));
    if (channels.length === 0) {
      throw new RcmMetadataError(
        `the product holds ${product.channels.join(", ")}, none of the channels asked for ` +
          `(${request.bands.join(", ")})`,
      );
    }
    const noiseRemoval = radar.noiseRemoval === true;
    const luts: Record<string, string> = {};
    const sarChannels: SarChannel[] = [];
    for (const channel of channels) {
      const file = product.imageFiles[channel];
      if (file === undefined) throw new RcmMetadataError(`product.xml names no image file for ${channel}`);
      const lut = await readRcmCalibration(root, product, channel, radar.calibration);
      luts[channel] = lut.file;
      const noise = noiseRemoval
        ? await readRcmChannelNoise(root, product, channel, radar.calibration)
        : undefined;
      sarChannels.push({
        band: channel,
        source: rcmProductFile(root, file),
        calibration: { kind, gains: lut.gains, offset: lut.offset, noise },
      });
    }
    const geolocation =
      product.rpc === undefined
        ? gcpGeolocation()
        : await rpcGeolocation(
            required(request.srtmDir, "job.json has no SRTM_DIR for terrain correction"),
            tiePointBox(product.tiePoints),
            required(request.scratchDir, "the scene has no scratch folder for its terrain correction DEM"),
          );
    const looks = product.looks.range * product.looks.azimuth;
    const georeferencing: Georeferencing =
      product.rpc === undefined ? { gcps: tiePointGcps(product.tiePoints) } : { rpc: product.rpc };
    return {
      bands: sarBandPlans(sarChannels, radar, looks, geolocation, georeferencing),
      description: rcmDescription(scene, product, {
        ...sarProvenance(radar, looks),
        luts,
        noiseRemoval: noiseRemoval
          ? { from: "noiseLevels referenceNoiseLevel", floor: "1e-5 (-50 dB)" }
          : null,
        ...geolocation.provenance,
      }),
      notes: geolocation.notes,
      look: sarLook(channels, radar.units),
    };
  },
};

/**
 * Ground-range detected (GRD) products are amplitudes; SLC and GRC are complex, detected here as
 * (I² + Q²) / A². GCD and GCC are map-projected before any calibration could apply, and MLC holds covariance
 * matrices, not channels: both are refused with the reason.
 */
function sampleKind(product: RcmProduct): "detected" | "complex" {
  if (GEOCODED_TYPES.includes(product.productType)) {
    throw new RcmMetadataError(
      `${product.productType} products are map-projected before calibration, so they cannot be calibrated ` +
        "here; order the product as GRD, GRC or SLC",
    );
  }
  if (product.productType === "MLC") {
    throw new RcmMetadataError(
      "MLC products hold polarimetric covariance matrices, which this pipeline does not read; order GRD or SLC",
    );
  }
  return product.sampleType === "Complex" ? "complex" : "detected";
}

function required(value: string | undefined, message: string): string {
  if (value === undefined) throw new Error(message);
  return value;
}
