import type { SceneDescription } from "../../pipeline/scene-metadata.js";
import { SAR_STAC_EXTENSION, sarStacProperties } from "../sar/sar-description.js";
import type { RcmProduct } from "./rcm-product-schema.js";
import type { RcmSceneId } from "./rcm-scene-id.js";

// What an RCM scene's metadata JSON and STAC Item say of it: platform (rcm-1..3), beam mode, channels, looks,
// pixel spacing (the sar extension), and the provenance of calibration, noise removal, filter and geocoding.

export function rcmDescription(
  scene: RcmSceneId,
  product: RcmProduct,
  provenance: Readonly<Record<string, unknown>>,
): SceneDescription {
  return {
    productId: scene.id,
    processingLevel: product.productType,
    acquiredAt: product.acquisitionStart,
    platform: product.satellite.toLowerCase(),
    instruments: ["sar"],
    eoBands: {},
    facts: {
      beamMode: product.beamMode,
      productType: product.productType,
      channels: product.channels,
      looks: product.looks,
      pixelSpacing: product.pixelSpacing,
      lineSpacing: product.lineSpacing,
      ...(product.incidenceNear === undefined
        ? {}
        : { incidenceAngle: { near: product.incidenceNear, far: product.incidenceFar } }),
    },
    stacProperties: sarStacProperties({
      instrumentMode: product.beamMode,
      centreFrequencyHz: product.centreFrequencyHz,
      polarisations: product.channels,
      productType: product.productType,
      looks: product.looks,
      pixelSpacing: { range: product.pixelSpacing, azimuth: product.lineSpacing },
    }),
    stacExtensions: [SAR_STAC_EXTENSION],
    provenance,
  };
}
