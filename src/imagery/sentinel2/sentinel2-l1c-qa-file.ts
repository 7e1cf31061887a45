import { randomUUID } from "node:crypto";
import gdal from "gdal-async";
import { escapeXml } from "../../pipeline/escape-xml.js";
import { MaskError } from "../landsat/landsat-qa.js";
import { CLASSIFICATION_MASK_BITS, FILL_WEIGHT } from "./sentinel2-classification-mask.js";

// The quality file of an L1C scene: the pipeline's mask reads one value per pixel from band 1 of one file, so
// this is a one-band VRT whose value packs MSK_CLASSI's three bands (1 opaque clouds, 2 cirrus, 4 snow) and adds
// FILL_WEIGHT for each requested band whose DN is 0 there (see sentinel2-classification-mask.ts). One file serves
// every band, so a band's fill is dropped from all of them, as L2A's SCL "no data" is. A derived band (pixel
// function "sum") over sources stretched by nearest neighbour onto the finest band's grid: nothing is read until
// the warp reads the mask, but then each band's mask reads every requested band once more. It lives in /vsimem/
// for the rest of the process (a few kB a scene): the pipeline opens it by name and names it inside its own VRTs,
// where an inline "<VRTDataset" string cannot go.

export interface L1cQaSources {
  /** MSK_CLASSI_B00 as GDAL opens it; only when a flag other than fill is asked. */
  readonly classificationMask?: string | undefined;
  /** The requested bands' files as GDAL opens them: where any has DN 0, the pixel is fill. */
  readonly bandFiles: readonly string[];
}

interface Raster {
  readonly file: string;
  readonly x: number;
  readonly y: number;
  readonly transform: number[];
  readonly srs: string;
  readonly bandCount: number;
}

/** Writes the packed quality VRT and returns its /vsimem/ name; a mask file that does not fit throws a MaskError. */
export async function writeL1cQaFile(sources: L1cQaSources): Promise<string> {
  const bands = await Promise.all([...new Set(sources.bandFiles)].map(describe));
  const grid = bands.reduce<Raster | undefined>(
    (finest, r) => (finest === undefined || r.x > finest.x ? r : finest),
    undefined,
  );
  if (grid === undefined) throw new Error("writeL1cQaFile: no band to take the fill from");
  const classi =
    sources.classificationMask === undefined ? undefined : await describe(sources.classificationMask);
  if (classi !== undefined && classi.bandCount !== 3) {
    throw new MaskError(
      `${classi.file} has ${classi.bandCount} bands, not the 3 of MSK_CLASSI (opaque clouds, cirrus, snow)`,
    );
  }
  const all = classi === undefined ? bands : [...bands, classi];
  for (const raster of all) checkSameGround(raster, grid);
  const source = (raster: Raster, band: number, lut: string): string[] => [
    `    <ComplexSource>`,
    `      <SourceFilename relativeToVRT="0">${escapeXml(raster.file)}</SourceFilename>`,
    // Classes and fill at full resolution, never from a JPEG 2000 overview's smoothed values.
    `      <OpenOptions><OOI key="OVERVIEW_LEVEL">NONE</OOI></OpenOptions>`,
    `      <SourceBand>${band}</SourceBand>`,
    `      <SrcRect xOff="0" yOff="0" xSize="${raster.x}" ySize="${raster.y}"/>`,
    `      <DstRect xOff="0" yOff="0" xSize="${grid.x}" ySize="${grid.y}"/>`,
    `      <LUT>${lut}</LUT>`,
    `    </ComplexSource>`,
  ];
  const complexSources = [
    ...(classi === undefined
      ? []
      : Object.values(CLASSIFICATION_MASK_BITS).flatMap((bit) =>
          source(classi, bit + 1, `0:0,1:${1 << bit}`),
        )),
    // Any non-zero MSK_CLASSI value counts as set; DN 0 adds FILL_WEIGHT, every other DN nothing.
    ...bands.map((band) => source(band, 1, `0:${FILL_WEIGHT},1:0`)),
  ];
  // GDAL's "sum" takes two sources or more; a single one (one band's fill, no classes) is the value itself.
  const derived = complexSources.length > 1;
  const xml = [
    `<VRTDataset rasterXSize="${grid.x}" rasterYSize="${grid.y}">`,
    `  <SRS>${escapeXml(grid.srs)}</SRS>`,
    `  <GeoTransform>${grid.transform.map(String).join(", ")}</GeoTransform>`,
    `  <VRTRasterBand dataType="Byte" band="1"${derived ? ` subClass="VRTDerivedRasterBand"` : ""}>`,
    `    <Description>MSK_CLASSI bits (1 opaque clouds, 2 cirrus, 4 snow) + ${FILL_WEIGHT} per band with DN 0</Description>`,
    ...(derived ? [`    <PixelFunctionType>sum</PixelFunctionType>`] : []),
    ...complexSources.flat(),
    `  </VRTRasterBand>`,
    `</VRTDataset>`,
  ].join("\n");
  const name = `/vsimem/agricarta-s2-l1c-qa-${randomUUID()}.vrt`;
  gdal.vsimem.set(Buffer.from(xml, "utf8"), name);
  return name;
}

async function describe(file: string): Promise<Raster> {
  const dataset = await gdal.openAsync(file);
  try {
    const transform = dataset.geoTransform;
    if (transform === null) throw new MaskError(`${file} has no geotransform`);
    const { x, y } = dataset.rasterSize;
    return { file, x, y, transform, srs: dataset.srs?.toWKT() ?? "", bandCount: dataset.bands.count() };
  } finally {
    dataset.close();
  }
}

/** Stretching a file over another is right only when both cover the same ground (a tile, at any resolution). */
function checkSameGround(raster: Raster, grid: Raster): void {
  const [x0, dx, , y0, , dy] = raster.transform as [number, number, number, number, number, number];
  const [gx0, gdx, , gy0, , gdy] = grid.transform as [number, number, number, number, number, number];
  const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-3;
  if (!(
    close(x0, gx0) &&
    close(y0, gy0) &&
    close(raster.x * dx, grid.x * gdx) &&
    close(raster.y * dy, grid.y * gdy)
  )) {
    throw new MaskError(`${raster.file} does not cover the same ground as ${grid.file}: it cannot mask it`);
  }
}
