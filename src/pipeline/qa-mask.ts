import { escapeXml } from "./escape-xml.js";
import { uint16LookupTable } from "./lookup-table.js";

// QA masking in GDAL: a mask band read from a scene's 16-bit quality file through a lookup table, so GDAL drops
// the pixels while warping. Which quality values drop a pixel is the sensor's business (a predicate).

/** Pixel sizes of the quality file and of the band it masks, when they differ (Sentinel-2's 20 m SCL). */
export interface MaskSizes {
  readonly qa: { readonly x: number; readonly y: number };
  readonly band: { readonly x: number; readonly y: number };
}

/**
 * A VRT per-dataset mask band (0 = drop, 255 = keep) read from the QA file through a lookup table. With sizes,
 * the QA file is stretched over the band (nearest neighbour): both cover the same ground at other resolutions.
 */
export function maskBandXml(qaFile: string, drop: (qa: number) => boolean, sizes?: MaskSizes): string {
  return [
    `  <MaskBand>`,
    `    <VRTRasterBand dataType="Byte">`,
    `      <ComplexSource>`,
    `        <SourceFilename relativeToVRT="0">${escapeXml(qaFile)}</SourceFilename>`,
    // Never its overviews: a JPEG 2000 file's reduced levels are wavelet-smoothed, which turns quality classes
    // into other classes (Sentinel-2's 20 m SCL read at 60 m gave snow between cirrus and cloud).
    `        <OpenOptions><OOI key="OVERVIEW_LEVEL">NONE</OOI></OpenOptions>`,
    `        <SourceBand>1</SourceBand>`,
    ...(sizes === undefined
      ? []
      : [
          `        <SrcRect xOff="0" yOff="0" xSize="${sizes.qa.x}" ySize="${sizes.qa.y}"/>`,
          `        <DstRect xOff="0" yOff="0" xSize="${sizes.band.x}" ySize="${sizes.band.y}"/>`,
        ]),
    `        <LUT>${uint16LookupTable((qa) => (drop(qa) ? 0 : 255))}</LUT>`,
    `      </ComplexSource>`,
    `    </VRTRasterBand>`,
    `  </MaskBand>`,
  ].join("\n");
}
