import { describe, expect, it } from "vitest";
import { ProductError } from "../../../../src/imagery/landsat/landsat-products.js";
import {
  harmoniseToLandsat8,
  HLS_BANDPASS,
  hlsBandpassAdjustment,
} from "../../../../src/imagery/sentinel2/hls-harmonisation.js";
import { sentinel2BandConversion } from "../../../../src/imagery/sentinel2/sentinel2-products.js";
import type { BandConversion } from "../../../../src/pipeline/band-conversion.js";

// The HLS v2.0 bandpass adjustment composed with the DN conversion: still one scale and offset per band.

const L2A = {
  productId: "S2B_MSIL2A_X",
  level: "L2A" as const,
  processingBaseline: "05.09",
  quantificationValue: 10000,
  addOffsets: { B02: -1000, B04: -1000, B05: -1000, B8A: -1000, B12: -1000 },
};

const physical = (c: BandConversion, dn: number): number => {
  const stored = c.linear!.scale * dn + c.linear!.offset;
  return c.unscale === undefined ? stored : stored * c.unscale.scale + c.unscale.offset;
};

describe("harmoniseToLandsat8", () => {
  it.each([
    ["S2A", "B04", 0.9765, 0.0009],
    ["S2B", "B04", 0.9761, 0.001],
    ["S2A", "B8A", 0.9983, -0.0001],
    ["S2B", "B12", 0.9867, 0.0004],
    ["S2B", "B02", 0.9778, -0.004],
  ] as const)(
    "%s %s: rho_OLI = %d * rho_MSI + %d, from the DN in one step",
    (satellite, band, slope, offset) => {
      for (const type of ["float32", "int16"] as const) {
        const msi = sentinel2BandConversion(L2A, band, "sr", type);
        const oli = harmoniseToLandsat8(msi, satellite, band);
        expect(oli.description).toMatch(/HLS v2.0 bandpass-adjusted to Landsat 8 OLI/);
        expect(oli.dataType).toBe(msi.dataType);
        expect(oli.unscale).toEqual(msi.unscale);
        for (const dn of [1, 1000, 2500, 9000]) {
          expect(physical(oli, dn)).toBeCloseTo(slope * ((dn - 1000) / 10000) + offset, 10);
        }
      }
    },
  );

  it("applies to an unscale with an offset too", () => {
    const c: BandConversion = {
      quantity: "toa",
      description: "B03 toa",
      units: "1",
      linear: { scale: 2, offset: 3 },
      dataType: "Int16",
      nodata: -32768,
      unscale: { scale: 0.001, offset: -0.5 },
    };
    const h = harmoniseToLandsat8(c, "S2A", "B03");
    for (const dn of [0, 10, 500]) expect(physical(h, dn)).toBeCloseTo(1.0053 * physical(c, dn) - 0.0009, 10);
  });

  it("leaves the bands HLS does not adjust (red edge, B08, B09, B10) as they are", () => {
    const c = sentinel2BandConversion(L2A, "B05", "sr", "int16");
    expect(harmoniseToLandsat8(c, "S2A", "B05")).toBe(c);
    for (const band of ["B05", "B06", "B07", "B08", "B09", "B10"] as const) {
      expect(hlsBandpassAdjustment("S2B", band)).toBeUndefined();
    }
  });

  it("has the seven HLS bands for S2A and S2B, and refuses S2C and non-reflectance", () => {
    expect(Object.keys(HLS_BANDPASS.S2A)).toEqual(["B01", "B02", "B03", "B04", "B8A", "B11", "B12"]);
    expect(Object.keys(HLS_BANDPASS.S2B)).toEqual(Object.keys(HLS_BANDPASS.S2A));
    const sr = sentinel2BandConversion(L2A, "B04", "sr", "int16");
    expect(() => harmoniseToLandsat8(sr, "S2C", "B04")).toThrow(ProductError);
    expect(() => harmoniseToLandsat8(sr, "S2C", "B04")).toThrow(/Sentinel-2A and 2B only, not 2C/);
    const dn = sentinel2BandConversion(L2A, "B04", "dn", "int16");
    expect(() => harmoniseToLandsat8(dn, "S2A", "B04")).toThrow(/applies to reflectance, not dn/);
  });
});
