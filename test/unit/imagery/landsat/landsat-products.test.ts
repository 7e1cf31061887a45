import { describe, expect, it } from "vitest";
import type { LandsatMetadata } from "../../../../src/imagery/landsat/landsat-metadata.js";
import {
  bandConversion,
  ProductError,
  productsForLevel,
} from "../../../../src/imagery/landsat/landsat-products.js";
import { FLOAT32_NODATA, INT16_NODATA } from "../../../../src/pipeline/band-conversion.js";

// The product formulas on made-up coefficients, without GDAL: what each conversion's scale and offset must be.

const level1: LandsatMetadata = {
  productId: "LC08_L1TP_016037_20170813_20170814_01_RT",
  collection: 1,
  processingLevel: "L1TP",
  sunElevation: 30,
  acquiredAt: "2017-08-13T15:40:00Z",
  bandFiles: { B4: "b4.tif", B10: "b10.tif" },
  radiance: { B4: { mult: 0.01, add: -50 }, B10: { mult: 3.342e-4, add: 0.1 } },
  reflectance: { B4: { mult: 2e-5, add: -0.1 } },
  thermal: { B10: { k1: 774.8853, k2: 1321.0789 } },
  surfaceReflectance: {},
  surfaceTemperature: {},
};
const level2: LandsatMetadata = {
  ...level1,
  collection: 2,
  processingLevel: "L2SP",
  surfaceReflectance: { B4: { mult: 2.75e-5, add: -0.2 } },
  surfaceTemperature: { B10: { mult: 0.00341802, add: 149 } },
};

describe("Landsat band conversions", () => {
  it("radiance is L = ML * Q + AL, stored as Float32", () => {
    const c = bandConversion(level1, "B4", "radiance", "int16");
    expect(c).toMatchObject({
      quantity: "radiance",
      linear: { scale: 0.01, offset: -50 },
      dataType: "Float32",
    });
    expect(c.nodata).toBe(FLOAT32_NODATA);
  });

  it("TOA reflectance divides by the sine of the sun elevation, stored as Int16 x 1e4 with its scale", () => {
    const c = bandConversion(level1, "B4", "toa", "int16");
    // sin(30 deg) = 0.5: rho = (2e-5 Q - 0.1) / 0.5, stored as rho * 1e4
    expect(c.linear!.scale).toBeCloseTo((2e-5 / 0.5) * 1e4, 12);
    expect(c.linear!.offset).toBeCloseTo((-0.1 / 0.5) * 1e4, 9);
    expect(c).toMatchObject({ dataType: "Int16", nodata: INT16_NODATA, unscale: { scale: 1e-4, offset: 0 } });
    const f = bandConversion(level1, "B4", "toa", "float32");
    expect(f.linear!.scale).toBeCloseTo(4e-5, 15);
    expect(f.unscale).toBeUndefined();
  });

  it("thermal TOA is brightness temperature T = K2 / ln(K1 / L + 1), a function of the DN", () => {
    const c = bandConversion(level1, "B10", "toa", "int16");
    expect(c.quantity).toBe("bt");
    const dn = 30_000;
    const radiance = 3.342e-4 * dn + 0.1;
    expect(c.perDn!(dn)).toBeCloseTo(1321.0789 / Math.log(774.8853 / radiance + 1), 9);
  });

  it("Collection 2 Level-2 gives surface reflectance and surface temperature from the Level-2 group", () => {
    const sr = bandConversion(level2, "B4", "sr", "float32");
    expect(sr.linear).toEqual({ scale: 2.75e-5, offset: -0.2 });
    const st = bandConversion(level2, "B10", "sr", "int16");
    expect(st).toMatchObject({
      quantity: "st",
      linear: { scale: 0.00341802, offset: 149 },
      dataType: "Float32",
    });
  });

  it("dn is copied as is, 0 as nodata", () => {
    expect(bandConversion(level2, "B4", "dn", "int16")).toMatchObject({ linear: undefined, nodata: 0 });
  });

  it("refuses a product the level cannot give, and a band the MTL has no coefficient for", () => {
    expect(productsForLevel("L1")).toEqual(["dn", "radiance", "toa"]);
    expect(productsForLevel("L2")).toEqual(["dn", "sr"]);
    expect(() => bandConversion(level2, "B4", "toa", "int16")).toThrow(ProductError);
    expect(() => bandConversion(level1, "B10", "sr", "int16")).toThrow(/cannot be made from a L1TP scene/);
    expect(() => bandConversion(level1, "B3", "radiance", "int16")).toThrow(
      /MTL has no RADIANCE_MULT_BAND_3/,
    );
  });
});
