import type { SceneDescription } from "../../pipeline/scene-metadata.js";
import { SAR_STAC_EXTENSION, sarStacProperties } from "../sar/sar-description.js";
import type { Radarsat2Product } from "./radarsat2-product-schema.js";
import type { Radarsat2SceneId } from "./radarsat2-scene-id.js";

// What a RADARSAT-2 scene's metadata JSON and STAC Item say of it: platform, beam mode, polarisations, looks,
// pixel spacing, incidence angles (the sar extension), and the provenance of calibration, filter and geocoding.

export function radarsat2Description(
  scene: Radarsat2SceneId,
  product: Radarsat2Product,
  provenance: Readonly<Record<string, unknown>>,
): SceneDescription {
  return {
    productId: scene.id,
    processingLevel: product.productType,
    acquiredAt: product.acquisitionStart,
    platform: "radarsat-2",
    instruments: ["sar"],
    eoBands: {},
    facts: {
      beamMode: product.beamMode,
      productType: product.productType,
      polarisations: product.polarisations,
      looks: product.looks,
      pixelSpacing: product.pixelSpacing,
      lineSpacing: product.lineSpacing,
      incidenceAngle: { near: product.incidenceNear, far: product.incidenceFar },
    },
    stacProperties: sarStacProperties({
      instrumentMode: product.beamMode,
      centreFrequencyHz: product.centreFrequencyHz,
      polarisations: product.polarisations,
      productType: product.productType,
      looks: product.looks,
      pixelSpacing: { range: product.pixelSpacing, azimuth: product.lineSpacing },
    }),
    stacExtensions: [SAR_STAC_EXTENSION],
    provenance,
  };
}
