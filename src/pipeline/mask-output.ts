import { virtualRaster } from "./conversion-vrt.js";
import { uint16LookupTable } from "./lookup-table.js";
import { warpBand, type WarpOptions } from "./warp-band.js";

// The QA mask itself as an output: <scene_id>_qa_mask.tif, 1 where the QA drops the pixel (fill or a requested
// flag), 0 where it keeps it, 255 outside the scene. Categorical, so nearest-neighbour only: no new values.

export const MASK_NODATA = 255;

export async function writeMaskOutput(
  qaFile: string,
  drop: (qa: number) => boolean,
  target: string,
  warp: Omit<WarpOptions, "srcNodata" | "dstNodata" | "resampling" | "outputType">,
): Promise<void> {
  const virtual = virtualRaster(qaFile, {
    dataType: "Byte",
    // Quality classes must not come from a JPEG 2000 overview, whose wavelet smoothing invents classes.
    noOverviews: true,
    sourceElements: [`<LUT>${uint16LookupTable((qa) => (drop(qa) ? 1 : 0))}</LUT>`],
  });
  try {
    await warpBand({
      ...warp,
      source: virtual.path,
      target,
      resampling: "near",
      srcNodata: undefined,
      dstNodata: MASK_NODATA,
      outputType: "Byte",
      description: "QA mask: 1 dropped, 0 kept",
      overviewResampling: "NEAREST",
    });
  } finally {
    virtual.release();
  }
}
