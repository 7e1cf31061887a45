import type { SceneDescription } from "../../pipeline/scene-metadata.js";
import type { EoBand } from "../../pipeline/stac-item.js";
import { SENTINEL2_BANDS } from "./sentinel2-bands.js";
import type { Sentinel2Metadata } from "./sentinel2-metadata-schema.js";

// What a Sentinel-2 scene's metadata JSON and STAC Item say of it: platform, MSI bands, MGRS tile, baseline,
// cloud cover, sun angles.

export const SENTINEL2_EO_BANDS: Readonly<Record<string, EoBand>> = Object.fromEntries(
  SENTINEL2_BANDS.map((b) => [b.name, { common_name: b.commonName, center_wavelength: b.centreWavelength }]),
);

/** Red, green and blue: the quicklook's true colour. */
export const SENTINEL2_TRUE_COLOUR = ["B04", "B03", "B02"] as const;

export function sentinel2Description(
  metadata: Sentinel2Metadata,
  provenance: Readonly<Record<string, unknown>>,
): SceneDescription {
  return {
    productId: metadata.productId,
    processingLevel: metadata.level,
    acquiredAt: metadata.sensingTime,
    platform: `sentinel-${metadata.satellite.slice(1).toLowerCase()}`,
    instruments: ["msi"],
    eoBands: SENTINEL2_EO_BANDS,
    facts: {
      tile: metadata.tileId,
      processingBaseline: metadata.processingBaseline,
      datatake: metadata.datatakeId,
      cloudCover: metadata.cloudCover,
      sunZenith: metadata.sunZenith,
      sunAzimuth: metadata.sunAzimuth,
    },
    stacProperties: {
      "eo:cloud_cover": metadata.cloudCover,
      "grid:code": `MGRS-${metadata.tileId}`,
      "s2:processing_baseline": metadata.processingBaseline,
      "s2:datatake_id": metadata.datatakeId,
      "sat:relative_orbit": metadata.orbit,
      "sat:orbit_state": metadata.orbitDirection.toLowerCase(),
      "view:sun_elevation": 90 - metadata.sunZenith,
      "view:sun_azimuth": metadata.sunAzimuth,
    },
    stacExtensions: [
      "https://stac-extensions.github.io/grid/v1.1.0/schema.json",
      "https://stac-extensions.github.io/sat/v1.0.0/schema.json",
      "https://stac-extensions.github.io/sentinel-2/v1.0.0/schema.json",
      "https://stac-extensions.github.io/view/v1.0.0/schema.json",
    ],
    provenance,
  };
}
