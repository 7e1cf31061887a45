import type { MaskFlag } from "../../common/mask-flags.js";
import { MaskError } from "../landsat/landsat-qa.js";

// Which L2A scene classification (SCL) values mark a pixel to drop, in the project's shared mask vocabulary.
// SCL is a class per pixel, not bits, so each flag is a set of classes; fill (no data, saturated or defective)
// is always dropped, as Landsat's fill bit is.

/** The SCL classes (Sen2Cor; the same values at every baseline). */
export const SCL_CLASSES: Readonly<Record<number, string>> = {
  0: "no data",
  1: "saturated or defective",
  // "dark area pixels" before baseline 04.00, "topographic (casted) shadows" from it: terrain, not clouds.
  2: "dark area pixels / topographic shadows",
  3: "cloud shadows",
  4: "vegetation",
  5: "not vegetated",
  6: "water",
  7: "unclassified",
  8: "cloud medium probability",
  9: "cloud high probability",
  10: "thin cirrus",
  11: "snow or ice",
};

/**
 * The classes each flag drops. cloud_shadow is class 3 only: class 2 is shadow cast by terrain (or merely dark
 * ground before 04.00), which masking clouds must not remove. dilated_cloud has no SCL class.
 */
const SCL_FLAGS: Partial<Record<MaskFlag, readonly number[]>> = {
  fill: [0, 1],
  cloud: [8, 9],
  cloud_shadow: [3],
  cirrus: [10],
  snow: [11],
  water: [6],
};

/** Whether an SCL value marks the pixel as one to drop: fill, or any of the flags. */
export function sclMaskPredicate(flags: readonly MaskFlag[]): (value: number) => boolean {
  const drop = new Set<number>();
  for (const flag of ["fill" as const, ...flags]) {
    const classes = SCL_FLAGS[flag];
    if (classes === undefined) {
      throw new MaskError(`the Sentinel-2 scene classification (SCL) has no ${flag} class`);
    }
    for (const value of classes) drop.add(value);
  }
  return (value) => drop.has(value);
}
