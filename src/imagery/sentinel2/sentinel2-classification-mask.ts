import type { MaskFlag } from "../../common/mask-flags.js";
import { MaskError } from "../landsat/landsat-qa.js";

// The L1C cloud mask from baseline 04.00 (QI_DATA/MSK_CLASSI_B00.jp2, 60 m): three Byte bands, each 1 where the
// pixel is masked: band 1 opaque clouds, band 2 cirrus, band 3 snow and ice. It does not fit the pipeline's
// single-band lookup as it stands: the mask band must first be packed into one value, e.g. a VRT derived band
// with PixelFunctionType "sum" over the three bands scaled by 1, 2 and 4 (ComplexSource ScaleRatio). The
// predicate below reads that packed value. Fill needs no flag here: DN 0 is nodata in every band already.

/** Bit of each MSK_CLASSI band in the packed value (band n -> bit n - 1). */
export const CLASSIFICATION_MASK_BITS = { opaqueClouds: 0, cirrus: 1, snow: 2 } as const;

const FLAG_BITS: Partial<Record<MaskFlag, number>> = {
  cloud: CLASSIFICATION_MASK_BITS.opaqueClouds,
  cirrus: CLASSIFICATION_MASK_BITS.cirrus,
  snow: CLASSIFICATION_MASK_BITS.snow,
};

/** Whether a packed MSK_CLASSI value (bit 0 opaque clouds, 1 cirrus, 2 snow) marks the pixel to drop. */
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
  return (packed) => (packed & bits) !== 0;
}
