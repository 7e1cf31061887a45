import type { MaskFlag } from "../../common/mask-flags.js";
import type { LandsatMetadata } from "./landsat-metadata.js";

// Which QA_PIXEL (Collection 2) or BQA (Collection 1) values mark a pixel to drop; fill is always dropped.

/** A mask the scene's QA band cannot express; the scene fails with this message. */
export class MaskError extends Error {
  override readonly name = "MaskError";
}

const bit = (qa: number, n: number): boolean => ((qa >> n) & 1) === 1;
/** Two-bit confidence fields of Collection 1: 3 is high confidence. */
const high = (qa: number, n: number): boolean => ((qa >> n) & 3) === 3;

/** Collection 2 QA_PIXEL: 0 fill, 1 dilated cloud, 2 cirrus, 3 cloud, 4 cloud shadow, 5 snow, 7 water. */
const COLLECTION_2: Record<MaskFlag, (qa: number) => boolean> = {
  fill: (qa) => bit(qa, 0),
  dilated_cloud: (qa) => bit(qa, 1),
  cirrus: (qa) => bit(qa, 2),
  cloud: (qa) => bit(qa, 3),
  cloud_shadow: (qa) => bit(qa, 4),
  snow: (qa) => bit(qa, 5),
  water: (qa) => bit(qa, 7),
};

/** Collection 1 BQA: 0 fill, 4 cloud, 7-8 cloud shadow, 9-10 snow/ice, 11-12 cirrus confidence (high only). */
const COLLECTION_1: Partial<Record<MaskFlag, (qa: number) => boolean>> = {
  fill: (qa) => bit(qa, 0),
  cloud: (qa) => bit(qa, 4),
  cloud_shadow: (qa) => high(qa, 7),
  snow: (qa) => high(qa, 9),
  cirrus: (qa) => high(qa, 11),
};

/** Whether a QA value marks the pixel as one to drop: fill, or any of the flags. */
export function maskPredicate(
  metadata: LandsatMetadata,
  flags: readonly MaskFlag[],
): (qa: number) => boolean {
  if (metadata.qaPixelFile === undefined) throw new MaskError("the scene has no QA band to mask with");
  if (metadata.collection === null) {
    throw new MaskError(
      "masking needs a Collection 1 or 2 product: pre-collection QA bits are laid out differently",
    );
  }
  const table = metadata.collection === 2 ? COLLECTION_2 : COLLECTION_1;
  const tests = ["fill" as const, ...flags].map((flag) => {
    const test = table[flag];
    if (test === undefined) throw new MaskError(`Collection ${metadata.collection} QA has no ${flag} flag`);
    return test;
  });
  return (qa) => tests.some((t) => t(qa));
}
