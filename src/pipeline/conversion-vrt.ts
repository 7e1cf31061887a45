import { randomUUID } from "node:crypto";
import path from "node:path";
import gdal from "gdal-async";
import { escapeXml } from "./escape-xml.js";
import { uint16LookupTable } from "./lookup-table.js";
import type { BandConversion } from "./band-conversion.js";

// A band's product as a virtual raster: GDAL reads the DNs and applies scale and offset (or a lookup table)
// on the fly, treating DN 0 as fill, so the conversion costs nothing beyond the warp that reads it. A QA mask,
// when asked for, rides along as the raster's mask band.

export interface VirtualBand {
  /** A /vsimem/ path GDAL can open; release() frees it. */
  readonly path: string;
  readonly release: () => void;
}

/** maskBand: a VRT <MaskBand> element (see qa-mask.ts) to attach, if any. */
export function conversionVrt(
  sourceFile: string,
  conversion: BandConversion,
  maskBand?: string,
): VirtualBand {
  const transformation =
    conversion.linear !== undefined
      ? [
          `<ScaleOffset>${conversion.linear.offset}</ScaleOffset>`,
          `<ScaleRatio>${conversion.linear.scale}</ScaleRatio>`,
        ]
      : conversion.perDn !== undefined
        ? [`<LUT>${uint16LookupTable(conversion.perDn, 1)}</LUT>`]
        : [];
  return virtualRaster(sourceFile, {
    dataType: conversion.dataType,
    nodata: conversion.nodata,
    // Fill pixels are skipped, so they keep the band's nodata value.
    sourceElements: ["<NODATA>0</NODATA>", ...transformation],
    extra: maskBand,
  });
}

export interface VirtualRasterBand {
  /** The band's type; the source's when undefined. */
  readonly dataType?: string | undefined;
  readonly nodata?: number | undefined;
  /** Elements of the ComplexSource after the source file and window (NODATA, ScaleRatio, LUT...). */
  readonly sourceElements: readonly string[];
  /** Read the file at full resolution only, never its overviews (categorical data: classes, masks). */
  readonly noOverviews?: boolean | undefined;
  /** Extra dataset-level XML, e.g. a <MaskBand>. */
  readonly extra?: string | undefined;
}

/** A one-band VRT over band 1 of a file, on the file's own grid, kept in /vsimem/. */
export function virtualRaster(sourceFile: string, band: VirtualRasterBand): VirtualBand {
  const source = gdal.open(sourceFile);
  let xml: string;
  try {
    const { x, y } = source.rasterSize;
    const transform = source.geoTransform;
    if (transform === null) throw new Error(`${sourceFile} has no geotransform`);
    const dataType = band.dataType ?? source.bands.get(1).dataType ?? "UInt16";
    xml = [
      `<VRTDataset rasterXSize="${x}" rasterYSize="${y}">`,
      `  <SRS>${escapeXml(source.srs?.toWKT() ?? "")}</SRS>`,
      `  <GeoTransform>${transform.map(String).join(", ")}</GeoTransform>`,
      `  <VRTRasterBand dataType="${dataType}" band="1">`,
      ...(band.nodata === undefined ? [] : [`    <NoDataValue>${band.nodata}</NoDataValue>`]),
      `    <ComplexSource>`,
      `      <SourceFilename relativeToVRT="0">${escapeXml(path.resolve(sourceFile))}</SourceFilename>`,
      ...(band.noOverviews === true
        ? [`      <OpenOptions><OOI key="OVERVIEW_LEVEL">NONE</OOI></OpenOptions>`]
        : []),
      `      <SourceBand>1</SourceBand>`,
      `      <SrcRect xOff="0" yOff="0" xSize="${x}" ySize="${y}"/>`,
      `      <DstRect xOff="0" yOff="0" xSize="${x}" ySize="${y}"/>`,
      ...band.sourceElements.map((element) => `      ${element}`),
      `    </ComplexSource>`,
      `  </VRTRasterBand>`,
      ...(band.extra === undefined ? [] : [band.extra]),
      `</VRTDataset>`,
    ].join("\n");
  } finally {
    source.close();
  }
  const vsimemPath = `/vsimem/agricarta-${randomUUID()}.vrt`;
  gdal.vsimem.set(Buffer.from(xml, "utf8"), vsimemPath);
  return { path: vsimemPath, release: () => gdal.vsimem.release(vsimemPath) };
}
