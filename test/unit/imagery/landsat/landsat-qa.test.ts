import { describe, expect, it } from "vitest";
import type { LandsatMetadata } from "../../../../src/imagery/landsat/landsat-metadata.js";
import { MaskError, maskPredicate } from "../../../../src/imagery/landsat/landsat-qa.js";

// Which QA values each flag drops, bit by bit, for both collections.

const base: LandsatMetadata = {
  productId: "X",
  collection: 2,
  processingLevel: "L2SP",
  sunElevation: 45,
  acquiredAt: "2020-08-14T15:54:15.788Z",
  bandFiles: {},
  qaPixelFile: "X_QA_PIXEL.TIF",
  radiance: {},
  reflectance: {},
  thermal: {},
  surfaceReflectance: {},
  surfaceTemperature: {},
};
const c1 = { ...base, collection: 1 as const, processingLevel: "L1TP", qaPixelFile: "X_BQA.TIF" };
const bits = (...n: number[]): number => n.reduce((v, b) => v | (1 << b), 0);

describe("Collection 2 QA_PIXEL", () => {
  const clear = bits(6); // clear, nothing else
  it.each([
    ["fill", bits(0)],
    ["dilated_cloud", bits(1)],
    ["cirrus", bits(2)],
    ["cloud", bits(3)],
    ["cloud_shadow", bits(4)],
    ["snow", bits(5)],
    ["water", bits(7)],
  ] as const)("%s drops its bit and keeps clear pixels", (flag, value) => {
    const drop = maskPredicate(base, [flag]);
    expect(drop(value)).toBe(true);
    expect(drop(clear)).toBe(false);
  });

  it("always drops fill, and only what was asked", () => {
    const drop = maskPredicate(base, ["cloud"]);
    expect(drop(bits(0))).toBe(true);
    expect(drop(bits(4))).toBe(false); // shadow was not asked for
    expect(drop(bits(3, 8, 9))).toBe(true); // cloud with high confidence bits
  });
});

describe("Collection 1 BQA", () => {
  it("reads the cloud bit and the high-confidence pairs", () => {
    expect(maskPredicate(c1, ["cloud"])(bits(4))).toBe(true);
    expect(maskPredicate(c1, ["cloud_shadow"])(bits(7, 8))).toBe(true);
    expect(maskPredicate(c1, ["cloud_shadow"])(bits(7))).toBe(false); // low confidence
    expect(maskPredicate(c1, ["snow"])(bits(9, 10))).toBe(true);
    expect(maskPredicate(c1, ["cirrus"])(bits(11, 12))).toBe(true);
    expect(maskPredicate(c1, ["cirrus"])(bits(12))).toBe(false);
  });

  it("refuses flags Collection 1 does not have, and pre-collection products", () => {
    expect(() => maskPredicate(c1, ["dilated_cloud"])).toThrow(/Collection 1 QA has no dilated_cloud flag/);
    expect(() => maskPredicate({ ...c1, collection: null }, ["cloud"])).toThrow(MaskError);
    const noQa: LandsatMetadata = Object.fromEntries(
      Object.entries(base).filter(([key]) => key !== "qaPixelFile"),
    ) as LandsatMetadata;
    expect(() => maskPredicate(noQa, ["cloud"])).toThrow(/no QA band/);
  });
});
