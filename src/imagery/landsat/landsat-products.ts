import type { LandsatBand } from "./landsat-bands.js";
import type { Product } from "../../common/products.js";
import {
  digitalNumbers,
  float,
  reflectance,
  type BandConversion,
  type ReflectanceType,
} from "../../pipeline/band-conversion.js";
import { isLevel2, type LandsatMetadata } from "./landsat-metadata.js";

// Landsat 8/9 products from the MTL's coefficients: radiance, TOA reflectance and brightness temperature
// (Level-1), surface reflectance and temperature (Level-2), or the DNs themselves.

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
      return digitalNumbers(band);
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
