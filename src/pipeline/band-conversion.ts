// How a band's DNs become the stored quantity, and how that is stored. A sensor works out the conversion from
// its metadata; the pipeline applies it inside GDAL (a VRT source's ScaleRatio/ScaleOffset, or a lookup table
// for a function of the integer DN), so no JavaScript touches the pixels.

/** How reflectance is stored: Int16 scaled by 1e-4 (compact, exact to 0.5e-4) or Float32. */
export type ReflectanceType = "int16" | "float32";

export const REFLECTANCE_SCALE = 1e-4;
export const INT16_NODATA = -32768;
export const FLOAT32_NODATA = -9999;

export interface BandConversion {
  /** What the file holds, for names and descriptions: dn, radiance, toa, sr, bt (brightness temperature), st. */
  readonly quantity: "dn" | "radiance" | "toa" | "sr" | "bt" | "st";
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
