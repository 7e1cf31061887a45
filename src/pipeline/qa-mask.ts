import { z } from "zod";
import type { LandsatMetadata } from "../imagery/landsat-metadata.js";
import { escapeXml } from "./escape-xml.js";
import { uint16LookupTable } from "./lookup-table.js";

// QA masking: which QA_PIXEL (Collection 2) or BQA (Collection 1) values mark a pixel to drop, and the GDAL
// mask band that drops them. The mask is a lookup table over the 16-bit QA values, so GDAL applies it while
// warping; fill is always masked.

export const MaskFlagSchema = z.enum([
  "fill",
  "dilated_cloud",
  "cirrus",
  "cloud",
  "cloud_shadow",
  "snow",
  "water",
]);
export type MaskFlag = z.infer<typeof MaskFlagSchema>;

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

/** A VRT per-dataset mask band (0 = drop, 255 = keep) read from the QA file through a lookup table. */
export function maskBandXml(qaFile: string, drop: (qa: number) => boolean): string {
  return [
    `  <MaskBand>`,
    `    <VRTRasterBand dataType="Byte">`,
    `      <ComplexSource>`,
    `        <SourceFilename relativeToVRT="0">${escapeXml(qaFile)}</SourceFilename>`,
    `        <SourceBand>1</SourceBand>`,
    `        <LUT>${uint16LookupTable((qa) => (drop(qa) ? 0 : 255))}</LUT>`,
    `      </ComplexSource>`,
    `    </VRTRasterBand>`,
    `  </MaskBand>`,
  ].join("\n");
}
