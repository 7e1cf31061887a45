import { randomUUID } from "node:crypto";
import path from "node:path";
import gdal from "gdal-async";
import { escapeXml } from "./escape-xml.js";
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
  const source = gdal.open(qaFile);
  let xml: string;
  try {
    const { x, y } = source.rasterSize;
    xml = [
      `<VRTDataset rasterXSize="${x}" rasterYSize="${y}">`,
      `  <SRS>${escapeXml(source.srs?.toWKT() ?? "")}</SRS>`,
      `  <GeoTransform>${(source.geoTransform ?? []).map(String).join(", ")}</GeoTransform>`,
      `  <VRTRasterBand dataType="Byte" band="1">`,
      `    <ComplexSource>`,
      `      <SourceFilename relativeToVRT="0">${escapeXml(path.resolve(qaFile))}</SourceFilename>`,
      `      <SourceBand>1</SourceBand>`,
      `      <LUT>${uint16LookupTable((qa) => (drop(qa) ? 1 : 0))}</LUT>`,
      `    </ComplexSource>`,
      `  </VRTRasterBand>`,
      `</VRTDataset>`,
    ].join("\n");
  } finally {
    source.close();
  }
  const virtual = `/vsimem/agricarta-qa-${randomUUID()}.vrt`;
  gdal.vsimem.set(Buffer.from(xml, "utf8"), virtual);
  try {
    await warpBand({
      ...warp,
      source: virtual,
      target,
      resampling: "near",
      srcNodata: undefined,
      dstNodata: MASK_NODATA,
      outputType: "Byte",
      description: "QA mask: 1 dropped, 0 kept",
      overviewResampling: "NEAREST",
    });
  } finally {
    gdal.vsimem.release(virtual);
  }
}
