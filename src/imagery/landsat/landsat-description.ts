import type { LandsatBand } from "./landsat-bands.js";
import type { SceneDescription } from "../../pipeline/scene-metadata.js";
import type { EoBand } from "../../pipeline/stac-item.js";
import type { LandsatMetadata } from "./landsat-metadata.js";

// What a Landsat scene's metadata JSON and STAC Item say of it: platform, OLI/TIRS bands, sun elevation.

/** OLI/TIRS band names as STAC's eo extension calls them, with centre wavelengths in micrometres. */
export const LANDSAT_EO_BANDS: Record<LandsatBand, EoBand> = {
  B1: { common_name: "coastal", center_wavelength: 0.44 },
  B2: { common_name: "blue", center_wavelength: 0.48 },
  B3: { common_name: "green", center_wavelength: 0.56 },
  B4: { common_name: "red", center_wavelength: 0.65 },
  B5: { common_name: "nir08", center_wavelength: 0.86 },
  B6: { common_name: "swir16", center_wavelength: 1.6 },
  B7: { common_name: "swir22", center_wavelength: 2.2 },
  B8: { common_name: "pan", center_wavelength: 0.59 },
  B9: { common_name: "cirrus", center_wavelength: 1.37 },
  B10: { common_name: "lwir11", center_wavelength: 10.9 },
  B11: { common_name: "lwir12", center_wavelength: 12.0 },
};

const VIEW_EXTENSION = "https://stac-extensions.github.io/view/v1.0.0/schema.json";

/** Red, green and blue: the quicklook's true colour. */
export const LANDSAT_TRUE_COLOUR = ["B4", "B3", "B2"] as const;

export function landsatDescription(sceneId: string, metadata: LandsatMetadata): SceneDescription {
  return {
    productId: metadata.productId,
    processingLevel: metadata.processingLevel,
    acquiredAt: metadata.acquiredAt,
    platform: `landsat-${sceneId.slice(3, 4)}`,
    instruments: ["oli", "tirs"],
    eoBands: LANDSAT_EO_BANDS,
    facts: { sunElevation: metadata.sunElevation },
    stacProperties: { "view:sun_elevation": metadata.sunElevation },
    stacExtensions: [VIEW_EXTENSION],
    provenance: {},
  };
}
