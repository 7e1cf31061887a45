import type { LandsatBand, Product } from "../config/config-schema.js";
import { isLevel2, type LandsatMetadata } from "../imagery/landsat-metadata.js";

// Which linear conversion turns a band's DNs into the requested product, and how the result is stored.
// Every product here is linear per band (value = scale * DN + offset), so GDAL applies it while reading
// (a VRT source's ScaleRatio/ScaleOffset) and no JavaScript touches the pixels.

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

/** A product the scene cannot give; the scene fails with this message. */
export class ProductError extends Error {
  override readonly name = "ProductError";
}

const THERMAL: ReadonlySet<LandsatBand> = new Set(["B10", "B11"]);

export function isThermal(band: LandsatBand): boolean {
  return THERMAL.has(band);
}

/** Products a scene level can give at all; known from the scene id, so a request can be refused at once. */
export function productsForLevel(level: "L1" | "L2"): readonly Product[] {
  return level === "L1" ? ["dn", "radiance", "toa"] : ["dn", "sr"];
}

export function bandConversion(
  metadata: LandsatMetadata,
  band: LandsatBand,
  product: Product,
  reflectanceType: ReflectanceType,
): BandConversion {
  const level = isLevel2(metadata) ? "L2" : "L1";
  if (!productsForLevel(level).includes(product)) {
    throw new ProductError(
      `product ${product} cannot be made from a ${metadata.processingLevel} scene (it gives ${productsForLevel(level).join(", ")})`,
    );
  }
  const coefficient = <T>(table: Partial<Record<LandsatBand, T>>, field: string): T => {
    const value = table[band];
    if (value === undefined)
      throw new ProductError(`MTL has no ${field}_BAND_${band.slice(1)}: no ${product} for ${band}`);
    return value;
  };
  switch (product) {
    case "dn":
      return {
        quantity: "dn",
        description: `${band} digital number`,
        units: "1",
        linear: undefined,
        dataType: undefined,
        nodata: 0,
        unscale: undefined,
      };
    case "radiance": {
      const { mult, add } = coefficient(metadata.radiance, "RADIANCE_MULT");
      return float("radiance", `${band} spectral radiance`, "W/(m2 sr um)", mult, add);
    }
    case "toa": {
      if (isThermal(band)) {
        // T = K2 / ln(K1 / L + 1), L = ML * Q + AL: not linear, but a function of the integer DN alone.
        const { mult, add } = coefficient(metadata.radiance, "RADIANCE_MULT");
        const { k1, k2 } = coefficient(metadata.thermal, "K1_CONSTANT");
        return {
          ...float("bt", `${band} brightness temperature`, "K", 1, 0),
          linear: undefined,
          perDn: (dn) => k2 / Math.log(k1 / (mult * dn + add) + 1),
        };
      }
      // rho = (MR * Q + AR) / sin(sun elevation)
      const { mult, add } = coefficient(metadata.reflectance, "REFLECTANCE_MULT");
      const sin = Math.sin((metadata.sunElevation * Math.PI) / 180);
      return reflectance(
        "toa",
        `${band} top-of-atmosphere reflectance`,
        mult / sin,
        add / sin,
        reflectanceType,
      );
    }
    case "sr": {
      if (isThermal(band)) {
        const { mult, add } = coefficient(metadata.surfaceTemperature, "TEMPERATURE_MULT");
        return float("st", `${band} surface temperature`, "K", mult, add);
      }
      const { mult, add } = coefficient(metadata.surfaceReflectance, "REFLECTANCE_MULT");
      return reflectance("sr", `${band} surface reflectance`, mult, add, reflectanceType);
    }
  }
}

function float(
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

function reflectance(
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
