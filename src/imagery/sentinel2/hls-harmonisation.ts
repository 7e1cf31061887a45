import type { BandConversion } from "../../pipeline/band-conversion.js";
import { ProductError } from "../landsat/landsat-products.js";
import type { Sentinel2Band } from "./sentinel2-bands.js";
import type { Sentinel2Satellite } from "./sentinel2-scene-id.js";

// NASA HLS v2.0 bandpass adjustment: Sentinel-2 MSI reflectance made to resemble Landsat 8 OLI's, one linear fit per
// band, rho_OLI = slope * rho_MSI + offset. Composed with the DN conversion it is still one scale and offset, so a
// harmonised band costs nothing more to make.
//
// Coefficients: the HLS v2.0 bandpass adjustment table (HLS v2.0 User Guide, NASA/LP DAAC), as published at
// https://hls.gsfc.nasa.gov/algorithms/bandpass-adjustment/ (method: Claverie et al. 2018, "The Harmonized Landsat
// and Sentinel-2 surface reflectance data set", Remote Sensing of Environment 219:145-161). Fitted on surface
// reflectance of 500 Hyperion
// spectra with MSI RSR v2.0; applying them to TOA reflectance is an approximation. HLS adjusts only the bands with an
// OLI equivalent (B01, B02, B03, B04, B8A as OLI NIR, B11, B12) and leaves the red edge, B08, B09 and B10 as MSI
// measures them: so does this. Sentinel-2C: HLS publishes no coefficients, and none is invented here (ProductError).

export interface BandpassAdjustment {
  readonly slope: number;
  readonly offset: number;
}

type Coefficients = Partial<Record<Sentinel2Band, BandpassAdjustment>>;
const fit = (slope: number, offset: number): BandpassAdjustment => ({ slope, offset });

/** Sentinel-2A/B MSI -> Landsat 8 OLI, per MSI band. */
export const HLS_BANDPASS: Readonly<Record<"S2A" | "S2B", Coefficients>> = {
  S2A: {
    B01: fit(0.9959, -0.0002),
    B02: fit(0.9778, -0.004),
    B03: fit(1.0053, -0.0009),
    B04: fit(0.9765, 0.0009),
    B8A: fit(0.9983, -0.0001),
    B11: fit(0.9987, -0.0011),
    B12: fit(1.003, -0.0012),
  },
  S2B: {
    B01: fit(0.9959, -0.0002),
    B02: fit(0.9778, -0.004),
    B03: fit(1.0075, -0.0008),
    B04: fit(0.9761, 0.001),
    B8A: fit(0.9966, 0.0),
    B11: fit(1.0, -0.0003),
    B12: fit(0.9867, 0.0004),
  },
};

/** The adjustment HLS applies to a band; undefined for bands HLS leaves as they are. */
export function hlsBandpassAdjustment(
  satellite: Sentinel2Satellite,
  band: Sentinel2Band,
): BandpassAdjustment | undefined {
  if (satellite === "S2C") {
    throw new ProductError(
      "HLS publishes bandpass adjustment coefficients for Sentinel-2A and 2B only, not 2C",
    );
  }
  return HLS_BANDPASS[satellite][band];
}

/**
 * A reflectance conversion followed by the HLS adjustment, as one scale and offset on the DN:
 * stored' = (slope * physical + offset - unscaleOffset) / unscaleScale, physical = stored * unscaleScale + unscaleOffset.
 * Bands HLS does not adjust come back unchanged.
 */
export function harmoniseToLandsat8(
  conversion: BandConversion,
  satellite: Sentinel2Satellite,
  band: Sentinel2Band,
): BandConversion {
  if (conversion.quantity !== "toa" && conversion.quantity !== "sr") {
    throw new ProductError(`HLS harmonisation applies to reflectance, not ${conversion.quantity}`);
  }
  const linear = conversion.linear;
  if (linear === undefined)
    throw new ProductError(`${band}: the ${conversion.quantity} conversion is not linear`);
  const adjustment = hlsBandpassAdjustment(satellite, band);
  if (adjustment === undefined) return conversion;
  const { slope, offset } = adjustment;
  const unscale = conversion.unscale ?? { scale: 1, offset: 0 };
  return {
    ...conversion,
    description: `${conversion.description}, HLS v2.0 bandpass-adjusted to Landsat 8 OLI`,
    linear: {
      scale: slope * linear.scale,
      offset: slope * linear.offset + (slope * unscale.offset + offset - unscale.offset) / unscale.scale,
    },
  };
}
