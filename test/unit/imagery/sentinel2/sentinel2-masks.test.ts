import { describe, expect, it } from "vitest";
import { MaskError } from "../../../../src/imagery/landsat/landsat-qa.js";
import {
  classificationMaskPredicate,
  FILL_WEIGHT,
  needsClassificationMask,
} from "../../../../src/imagery/sentinel2/sentinel2-classification-mask.js";
import { SCL_CLASSES, sclMaskPredicate } from "../../../../src/imagery/sentinel2/sentinel2-scl.js";

// Which SCL classes (L2A) and which packed MSK_CLASSI values (L1C) each mask flag drops.

const dropped = (drop: (value: number) => boolean): number[] =>
  Object.keys(SCL_CLASSES)
    .map(Number)
    .filter((value) => drop(value));

describe("sclMaskPredicate", () => {
  it("always drops no data (0) and saturated or defective (1), and nothing else unasked", () => {
    expect(dropped(sclMaskPredicate([]))).toEqual([0, 1]);
    expect(dropped(sclMaskPredicate(["fill"]))).toEqual([0, 1]);
  });

  it.each([
    ["cloud", [8, 9]],
    ["cloud_shadow", [3]],
    ["cirrus", [10]],
    ["snow", [11]],
    ["water", [6]],
  ] as const)("%s drops classes %j besides fill", (flag, classes) => {
    expect(dropped(sclMaskPredicate([flag]))).toEqual([0, 1, ...classes].sort((a, b) => a - b));
  });

  it("keeps dark areas and topographic shadow (2) even with cloud_shadow, and every land class", () => {
    const drop = sclMaskPredicate(["cloud", "cloud_shadow", "cirrus", "snow"]);
    for (const kept of [2, 4, 5, 6, 7]) expect(drop(kept)).toBe(false);
    expect(dropped(drop)).toEqual([0, 1, 3, 8, 9, 10, 11]);
  });

  it("refuses a flag SCL cannot express", () => {
    expect(() => sclMaskPredicate(["cloud", "dilated_cloud"])).toThrow(MaskError);
    expect(() => sclMaskPredicate(["dilated_cloud"])).toThrow(
      /scene classification \(SCL\) has no dilated_cloud class/,
    );
  });
});

describe("classificationMaskPredicate (L1C: MSK_CLASSI packed as bit 0 opaque clouds, 1 cirrus, 2 snow; 8 up fill)", () => {
  it.each([
    [["cloud"], [1, 3, 5, 7]],
    [["cirrus"], [2, 3, 6, 7]],
    [["snow"], [4, 5, 6, 7]],
    [
      ["cloud", "cirrus"],
      [1, 2, 3, 5, 6, 7],
    ],
    [["fill"], []],
    [[], []],
  ] as const)("%j drops packed classes %j", (flags, values) => {
    const drop = classificationMaskPredicate(flags);
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((v) => drop(v))).toEqual(values);
  });

  it("always drops fill: one band's DN 0 or several, with or without classes", () => {
    for (const flags of [[], ["fill"], ["snow"]] as const) {
      const drop = classificationMaskPredicate(flags);
      for (const packed of [FILL_WEIGHT, FILL_WEIGHT + 1, FILL_WEIGHT + 6, 3 * FILL_WEIGHT + 7]) {
        expect(drop(packed)).toBe(true);
      }
    }
  });

  it.each(["cloud_shadow", "water", "dilated_cloud"] as const)("refuses %s", (flag) => {
    expect(() => classificationMaskPredicate([flag])).toThrow(MaskError);
    expect(() => classificationMaskPredicate([flag])).toThrow(`(MSK_CLASSI) has no ${flag} flag`);
  });

  it("needs MSK_CLASSI for any flag but fill", () => {
    expect(needsClassificationMask([])).toBe(false);
    expect(needsClassificationMask(["fill"])).toBe(false);
    expect(needsClassificationMask(["fill", "cirrus"])).toBe(true);
  });
});
