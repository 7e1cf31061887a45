// How a band's DNs become the stored quantity, and how that is stored. A sensor works out the conversion from
// its metadata; the pipeline applies it inside GDAL (a VRT source's ScaleRatio/ScaleOffset, or a lookup table
// for a function of the integer DN), so no JavaScript touches the pixels of optical bands. Radar bands are
// calibrated and filtered before the warp (a BandPlan's prepare step) and may change units after it.

/** How reflectance is stored: Int16 scaled by 1e-4 (compact, exact to 0.5e-4) or Float32. */
export type ReflectanceType = "int16" | "float32";

export const REFLECTANCE_SCALE = 1e-4;
export const INT16_NODATA = -32768;
export const FLOAT32_NODATA = -9999;

export interface BandConversion {
  /**
   * What the file holds, for names and descriptions: dn, radiance, toa, sr, bt (brightness temperature), st, or
   * a radar backscatter coefficient.
   */
  readonly quantity: "dn" | "radiance" | "toa" | "sr" | "bt" | "st" | "sigma0" | "beta0" | "gamma0";
  /** The file name's part after the band (sigma0_db); the quantity when undefined. */
  readonly name?: string | undefined;
  readonly description: string;
  readonly units: string;
  /** Stored value = scale * DN + offset; undefined for dn (copied as is) and for non-linear quantities. */
  readonly linear: { readonly scale: number; readonly offset: number } | undefined;
  /** A non-linear quantity (brightness temperature) as a function of the integer DN, applied as a lookup table. */
  readonly perDn?: ((dn: number) => number) | undefined;
  /** GDAL data type of the stored values; undefined keeps the source's. */
  readonly dataType: "Int16" | "Float32" | undefined;
  readonly nodata: number;
  /** Physical value = stored * unscale.scale + unscale.offset, written into the file for GDAL and rasterio. */
  readonly unscale: { readonly scale: number; readonly offset: number } | undefined;
  /**
   * Applied to each valid value once the band is on the grid (radar: linear power to dB or amplitude, so that
   * the warp resamples power, never dB). A value it maps to a non-finite number becomes nodata.
   */
  readonly afterWarp?: ((value: number) => number) | undefined;
}

/** The DNs themselves, in the source's type, 0 as nodata. */
export function digitalNumbers(band: string): BandConversion {
  return {
    quantity: "dn",
    description: `${band} digital number`,
    units: "1",
    linear: undefined,
    dataType: undefined,
    nodata: 0,
    unscale: undefined,
  };
}

/** A quantity stored as Float32, value = scale * DN + offset. */
export function float(
  quantity: BandConversion["quantity"],
  description: string,
  units: string,
  scale: number,
  offset: number,
): BandConversion {
  return {
    quantity,
    description,
    units,
    linear: { scale, offset },
    dataType: "Float32",
    nodata: FLOAT32_NODATA,
    unscale: undefined,
  };
}

/** Reflectance stored as Int16 x 1e4 with the scale in the file (default), or as Float32. */
export function reflectance(
  quantity: "toa" | "sr",
  description: string,
  scale: number,
  offset: number,
  type: ReflectanceType,
): BandConversion {
  if (type === "float32") return float(quantity, description, "1", scale, offset);
  // Stored as round(rho / 1e-4): the conversion writes rho * 1e4 directly.
  return {
    quantity,
    description,
    units: "1",
    linear: { scale: scale / REFLECTANCE_SCALE, offset: offset / REFLECTANCE_SCALE },
    dataType: "Int16",
    nodata: INT16_NODATA,
    unscale: { scale: REFLECTANCE_SCALE, offset: 0 },
  };
}

/**
 * Radar backscatter stored as Float32 in the units asked for. The warp resamples linear power (the prepare step
 * wrote it); amplitude and dB are made from the warped power, never resampled themselves.
 */
export function backscatter(
  band: string,
  calibration: "sigma0" | "beta0" | "gamma0",
  units: "pow" | "amp" | "dB",
): BandConversion {
  const afterWarp =
    units === "pow"
      ? undefined
      : units === "amp"
        ? (power: number) => Math.sqrt(power)
        : (power: number) => 10 * Math.log10(power);
  const what = { pow: "linear power", amp: "amplitude", dB: "dB" }[units];
  return {
    quantity: calibration,
    name: `${calibration}_${units.toLowerCase()}`,
    description: `${band} ${calibration} backscatter, ${what}`,
    units: units === "dB" ? "dB" : "1",
    linear: undefined,
    dataType: "Float32",
    nodata: FLOAT32_NODATA,
    unscale: undefined,
    afterWarp,
  };
}
