import { escapeXml } from "./escape-xml.js";
import { uint16LookupTable } from "./lookup-table.js";

// QA masking in GDAL: a mask band read from a scene's 16-bit quality file through a lookup table, so GDAL drops
// the pixels while warping. Which quality values drop a pixel is the sensor's business (a predicate).

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
