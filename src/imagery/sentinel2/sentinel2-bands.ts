import { z } from "zod";

// The 13 MSI bands: what a request may name, what STAC and the output metadata say about each, and the order the
// product metadata numbers them in (band_id / bandId 0-12).

/** Band names as ESA's file names write them; the order is the metadata's band_id order. */
export const Sentinel2BandSchema = z.enum([
  "B01",
  "B02",
  "B03",
  "B04",
  "B05",
  "B06",
  "B07",
  "B08",
  "B8A",
  "B09",
  "B10",
  "B11",
  "B12",
]);
export type Sentinel2Band = z.infer<typeof Sentinel2BandSchema>;

/** Native pixel size of each band, in metres. */
export type Sentinel2Resolution = 10 | 20 | 60;

export interface Sentinel2BandInfo {
  readonly name: Sentinel2Band;
  /** STAC eo v1.1 common name. */
  readonly commonName: string;
  /** Centre wavelength in µm (Sentinel-2A, as its product metadata gives it). */
  readonly centreWavelength: number;
  readonly resolution: Sentinel2Resolution;
}

const band = (
  name: Sentinel2Band,
  commonName: string,
  centreWavelength: number,
  resolution: Sentinel2Resolution,
): Sentinel2BandInfo => ({ name, commonName, centreWavelength, resolution });

/** The band table, in band_id order. */
export const SENTINEL2_BANDS: readonly Sentinel2BandInfo[] = [
  band("B01", "coastal", 0.4427, 60),
  band("B02", "blue", 0.4927, 10),
  band("B03", "green", 0.5598, 10),
  band("B04", "red", 0.6646, 10),
  band("B05", "rededge", 0.7041, 20),
  band("B06", "rededge", 0.7405, 20),
  band("B07", "rededge", 0.7828, 20),
  band("B08", "nir", 0.8328, 10),
  band("B8A", "nir08", 0.8647, 20),
  band("B09", "nir09", 0.9451, 60),
  band("B10", "cirrus", 1.3735, 60),
  band("B11", "swir16", 1.6137, 20),
  band("B12", "swir22", 2.2024, 20),
];

/** The bands a request gets when it names none: the 10 m visible bands and the 20 m red edge, NIR and SWIR. */
export const SENTINEL2_DEFAULT_BANDS: readonly Sentinel2Band[] = [
  "B02",
  "B03",
  "B04",
  "B05",
  "B8A",
  "B11",
  "B12",
];

export function sentinel2Band(name: Sentinel2Band): Sentinel2BandInfo {
  return SENTINEL2_BANDS[Sentinel2BandSchema.options.indexOf(name)]!;
}

/** The band a metadata band_id (0-12) stands for; undefined outside that range. */
export function bandOfBandId(bandId: number): Sentinel2Band | undefined {
  return Number.isInteger(bandId) ? Sentinel2BandSchema.options[bandId] : undefined;
}

/** The physicalBand attribute the metadata's Spectral_Information gives a band: B1..B12, B8A. */
export function physicalBandName(name: Sentinel2Band): string {
  return name === "B8A" ? name : `B${Number(name.slice(1))}`;
}
