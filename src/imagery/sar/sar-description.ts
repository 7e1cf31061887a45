// The STAC sar extension's properties of a radar scene (v1.3.0), shared by RADARSAT-2 and RCM.

export const SAR_STAC_EXTENSION = "https://stac-extensions.github.io/sar/v1.3.0/schema.json";

export interface SarFacts {
  /** The beam mode mnemonic (W2, SCWA, 16M...). */
  readonly instrumentMode: string;
  /** Hz. */
  readonly centreFrequencyHz: number;
  /** The polarisations (or RCM channels) the product holds. */
  readonly polarisations: readonly string[];
  /** SGF, GRD, SLC... */
  readonly productType: string;
  readonly looks: { readonly range: number; readonly azimuth: number };
  /** Metres. */
  readonly pixelSpacing: { readonly range: number; readonly azimuth: number };
  readonly observationDirection?: "left" | "right" | undefined;
}

export function sarStacProperties(facts: SarFacts): Record<string, unknown> {
  return {
    "sar:instrument_mode": facts.instrumentMode,
    // RADARSAT-2 and RCM are C-band (4-8 GHz).
    "sar:frequency_band": "C",
    "sar:center_frequency": Math.round(facts.centreFrequencyHz / 1e6) / 1e3,
    "sar:polarizations": [...facts.polarisations],
    "sar:product_type": facts.productType,
    "sar:looks_range": facts.looks.range,
    "sar:looks_azimuth": facts.looks.azimuth,
    "sar:pixel_spacing_range": facts.pixelSpacing.range,
    "sar:pixel_spacing_azimuth": facts.pixelSpacing.azimuth,
    ...(facts.observationDirection === undefined
      ? {}
      : { "sar:observation_direction": facts.observationDirection }),
  };
}
