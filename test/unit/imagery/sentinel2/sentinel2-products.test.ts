import { describe, expect, it } from "vitest";
import { ProductError } from "../../../../src/imagery/landsat/landsat-products.js";
import { SENTINEL2_BANDS, Sentinel2BandSchema } from "../../../../src/imagery/sentinel2/sentinel2-bands.js";
import { baselineAtLeast, hasAddOffsets } from "../../../../src/imagery/sentinel2/sentinel2-baseline.js";
import {
  productsForLevel,
  sentinel2BandConversion,
  type Sentinel2Radiometry,
} from "../../../../src/imagery/sentinel2/sentinel2-products.js";
import type { BandConversion } from "../../../../src/pipeline/band-conversion.js";

// Reflectance = (DN + offset) / quantification, on made-up metadata: before baseline 04.00 (no offsets) and after.

const allOffsets = (value: number) => Object.fromEntries(Sentinel2BandSchema.options.map((b) => [b, value]));

const L1C_0301: Sentinel2Radiometry = {
  productId: "S2A_MSIL1C_X",
  level: "L1C",
  processingBaseline: "03.01",
  quantificationValue: 10000,
  addOffsets: {},
};
const L2A_0400: Sentinel2Radiometry = {
  productId: "S2A_MSIL2A_X",
  level: "L2A",
  processingBaseline: "04.00",
  quantificationValue: 10000,
  addOffsets: allOffsets(-1000),
};

/** The physical value a conversion gives a DN. */
const physical = (c: BandConversion, dn: number): number => {
  const stored = c.linear!.scale * dn + c.linear!.offset;
  return c.unscale === undefined ? stored : stored * c.unscale.scale + c.unscale.offset;
};

describe("sentinel2BandConversion", () => {
  it.each([
    ["L1C 03.01, no offset", L1C_0301, "toa", (dn: number) => dn / 10000],
    ["L2A 04.00, offset -1000", L2A_0400, "sr", (dn: number) => (dn - 1000) / 10000],
    [
      "L1C 05.09, quantification 1000 and offset -100",
      { ...L1C_0301, processingBaseline: "05.09", quantificationValue: 1000, addOffsets: allOffsets(-100) },
      "toa",
      (dn: number) => (dn - 100) / 1000,
    ],
  ] as const)("%s: (DN + offset) / Q, as Float32 and Int16 x 1e4", (_, metadata, product, formula) => {
    for (const type of ["float32", "int16"] as const) {
      const c = sentinel2BandConversion(metadata, "B04", product, type);
      expect(c.quantity).toBe(product);
      for (const dn of [1, 999, 1000, 1234, 10000, 30000])
        expect(physical(c, dn)).toBeCloseTo(formula(dn), 10);
    }
    const int16 = sentinel2BandConversion(metadata, "B04", product, "int16");
    expect(int16).toMatchObject({ dataType: "Int16", nodata: -32768, unscale: { scale: 1e-4, offset: 0 } });
    expect(sentinel2BandConversion(metadata, "B04", product, "float32")).toMatchObject({
      dataType: "Float32",
      nodata: -9999,
      unscale: undefined,
    });
  });

  it("stores 04.00 surface reflectance as Int16 DN - 1000 (scale 1, offset -1000 in 1e-4 units)", () => {
    const c = sentinel2BandConversion(L2A_0400, "B8A", "sr", "int16");
    expect(c.linear!.scale).toBeCloseTo(1, 12);
    expect(c.linear!.offset).toBeCloseTo(-1000, 9);
    expect(c.description).toBe("B8A surface reflectance");
  });

  it("copies DNs for dn, keeping 0 as nodata", () => {
    expect(sentinel2BandConversion(L2A_0400, "B02", "dn", "int16")).toMatchObject({
      quantity: "dn",
      linear: undefined,
      dataType: undefined,
      nodata: 0,
    });
  });

  it.each([
    [L1C_0301, "sr", /product sr cannot be made from a Sentinel-2 L1C product \(it gives dn, toa\)/],
    [L2A_0400, "toa", /product toa cannot be made from a Sentinel-2 L2A product \(it gives dn, sr\)/],
    [L2A_0400, "radiance", /product radiance cannot be made/],
  ] as const)("refuses %s.level %s", (metadata, product, message) => {
    expect(() => sentinel2BandConversion(metadata, "B02", product, "int16")).toThrow(ProductError);
    expect(() => sentinel2BandConversion(metadata, "B02", product, "int16")).toThrow(message);
  });

  it("keys the offset on the baseline: missing at 04.00 is an error, before it the offset is 0", () => {
    const withoutB02 = {
      ...L2A_0400,
      addOffsets: Object.fromEntries(Object.entries(L2A_0400.addOffsets).filter(([band]) => band !== "B02")),
    };
    expect(() => sentinel2BandConversion(withoutB02, "B02", "sr", "int16")).toThrow(
      /S2A_MSIL2A_X \(baseline 04.00\) has no BOA_ADD_OFFSET for B02/,
    );
    const old = { ...L2A_0400, processingBaseline: "03.99", addOffsets: {} };
    expect(physical(sentinel2BandConversion(old, "B02", "sr", "float32"), 1500)).toBeCloseTo(0.15, 10);
  });

  it("gives each level its products", () => {
    expect(productsForLevel("L1C")).toEqual(["dn", "toa"]);
    expect(productsForLevel("L2A")).toEqual(["dn", "sr"]);
  });
});

describe("processing baselines", () => {
  it.each([
    ["04.00", "04.00", true],
    ["05.09", "04.00", true],
    ["03.99", "04.00", false],
    ["02.14", "04.00", false],
    ["10.00", "09.99", true],
  ])("%s >= %s is %s", (a, b, expected) => {
    expect(baselineAtLeast(a, b)).toBe(expected);
  });

  it("says offsets come with 04.00, and refuses what is not a baseline", () => {
    expect(hasAddOffsets("04.00")).toBe(true);
    expect(hasAddOffsets("03.01")).toBe(false);
    expect(() => hasAddOffsets("4.0")).toThrow(/not a processing baseline: 4.0/);
  });
});

describe("the band table", () => {
  it("lists the 13 bands in band_id order with eo common names and native resolutions", () => {
    expect(SENTINEL2_BANDS.map((b) => b.name)).toEqual(Sentinel2BandSchema.options);
    expect(SENTINEL2_BANDS.find((b) => b.name === "B8A")).toMatchObject({
      commonName: "nir08",
      resolution: 20,
    });
    expect(SENTINEL2_BANDS.filter((b) => b.resolution === 10).map((b) => b.name)).toEqual([
      "B02",
      "B03",
      "B04",
      "B08",
    ]);
    expect(SENTINEL2_BANDS.filter((b) => b.resolution === 60).map((b) => b.name)).toEqual([
      "B01",
      "B09",
      "B10",
    ]);
  });
});
