import type { MaskFlag } from "../../common/mask-flags.js";
import { MaskError } from "../landsat/landsat-qa.js";

// Which packed L1C quality values drop a pixel, in the shared mask vocabulary. The L1C cloud mask from baseline
// 04.00 (QI_DATA/MSK_CLASSI_B00.jp2, 60 m) has three Byte bands, each 1 where the pixel is masked: band 1 opaque
// clouds, band 2 cirrus, band 3 snow and ice. The pipeline looks up one value per pixel, so the L1C quality file
// (sentinel2-l1c-qa-file.ts) packs them, and adds the bands' fill: MSK_CLASSI has no "no data" class, and with a
// mask band the warp ignores the bands' own nodata, so fill must be in the mask as SCL's class 0 is for L2A.

/** Bit of each MSK_CLASSI band in the packed value (band n -> bit n - 1). */
export const CLASSIFICATION_MASK_BITS = { opaqueClouds: 0, cirrus: 1, snow: 2 } as const;

/** Added to the packed value by each requested band whose DN is 0 there: any value from 8 on is fill. */
export const FILL_WEIGHT = 8;

const FLAG_BITS: Partial<Record<MaskFlag, number>> = {
  cloud: CLASSIFICATION_MASK_BITS.opaqueClouds,
  cirrus: CLASSIFICATION_MASK_BITS.cirrus,
  snow: CLASSIFICATION_MASK_BITS.snow,
};

/** Whether a request's flags need MSK_CLASSI at all (fill alone does not). */
export function needsClassificationMask(flags: readonly MaskFlag[]): boolean {
  return flags.some((flag) => flag !== "fill");
}

/** Whether a packed value (bit 0 opaque clouds, 1 cirrus, 2 snow; 8 and up fill) drops the pixel; fill always. */
export function classificationMaskPredicate(flags: readonly MaskFlag[]): (packed: number) => boolean {
  let bits = 0;
  for (const flag of flags) {
    if (flag === "fill") continue;
    const bit = FLAG_BITS[flag];
    if (bit === undefined) {
      throw new MaskError(`the Sentinel-2 L1C classification mask (MSK_CLASSI) has no ${flag} flag`);
    }
    bits |= 1 << bit;
  }
  return (packed) => packed >= FILL_WEIGHT || (packed & bits) !== 0;
}
