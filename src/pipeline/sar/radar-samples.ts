import gdal from "gdal-async";
import { errorMessage } from "../../common/errors.js";
import { escapeXml } from "../escape-xml.js";
import type { RadarSamples } from "./sar-calibration.js";

// A radar band's samples, a block of full-width rows at a time whatever the file's own blocks (strips or tiles):
// DNs, or the two parts of complex samples, from two bands or from one complex band. gdal-async reads no complex
// type into JavaScript, so a complex band is read through a VRT of its real and imaginary parts.

/** 1-based: one band (of DNs, or of complex samples), or the in-phase and quadrature bands. */
export type SampleBands = number | readonly [inPhase: number, quadrature: number];

export interface RadarSampleReader {
  readonly width: number;
  readonly height: number;
  /** Rows [y, y + rows), full width. */
  read(y: number, rows: number): Promise<RadarSamples>;
  close(): void;
}

const COMPLEX_TYPES: ReadonlySet<string> = new Set(["CInt16", "CInt32", "CFloat16", "CFloat32", "CFloat64"]);

/**
 * A reader of `dataset` (opened from `source`): detected samples are one real band; complex ones a complex band
 * or two real bands. Throws naming the band when it is missing or of the wrong type.
 */
export async function openRadarSamples(
  source: string,
  dataset: gdal.Dataset,
  bands: SampleBands,
  kind: "detected" | "complex",
): Promise<RadarSampleReader> {
  const { x: width, y: height } = dataset.rasterSize;
  const size = { width, height, close: () => undefined };
  if (kind === "detected") {
    if (typeof bands !== "number") throw new Error("detected samples are one band of DNs, not two bands");
    const band = await bandOf(dataset, bands, "real");
    const [dn, nodata] = [rowReader(band, `band ${bands}`), band.noDataValue];
    return { ...size, read: async (y, rows) => ({ kind, dn: zeroNodata(await dn(y, rows), nodata) }) };
  }
  if (typeof bands !== "number") {
    const i = rowReader(await bandOf(dataset, bands[0], "real"), `band ${bands[0]}`);
    const q = rowReader(await bandOf(dataset, bands[1], "real"), `band ${bands[1]}`);
    return { ...size, read: async (y, rows) => ({ kind, i: await i(y, rows), q: await q(y, rows) }) };
  }
  await bandOf(dataset, bands, "complex");
  const parts = await gdal.openAsync(complexPartsVrt(source, bands, width, height));
  const i = rowReader(parts.bands.get(1), `the real part of band ${bands}`);
  const q = rowReader(parts.bands.get(2), `the imaginary part of band ${bands}`);
  return {
    ...size,
    read: async (y, rows) => ({ kind, i: await i(y, rows), q: await q(y, rows) }),
    close: () => parts.close(),
  };
}

async function bandOf(
  dataset: gdal.Dataset,
  index: number,
  type: "real" | "complex",
): Promise<gdal.RasterBand> {
  const count = await dataset.bands.countAsync();
  if (!Number.isInteger(index) || index < 1 || index > count)
    throw new Error(`the file has ${count} band${count === 1 ? "" : "s"}, no band ${index}`);
  const band = await dataset.bands.getAsync(index);
  const dataType = band.dataType ?? "unknown";
  if (COMPLEX_TYPES.has(dataType) !== (type === "complex"))
    throw new Error(`band ${index} is ${dataType}, not a band of ${type} samples`);
  return band;
}

/** Reads full-width rows of a band as Float64 (exact for every type GDAL reads), naming `what` on failure. */
function rowReader(band: gdal.RasterBand, what: string): (y: number, rows: number) => Promise<Float64Array> {
  const { x: width } = band.size;
  return (y, rows) =>
    band.pixels.readAsync(0, y, width, rows, new Float64Array(width * rows)).catch((error: unknown) => {
      throw new Error(`cannot read rows ${y} to ${y + rows} of ${what}: ${errorMessage(error)}`, {
        cause: error,
      });
    });
}

/** A band's own nodata value (other than 0 or NaN, which calibrate to nodata already) as 0, in place. */
function zeroNodata(values: Float64Array, nodata: number | null): Float64Array {
  if (nodata === null || nodata === 0 || Number.isNaN(nodata)) return values;
  for (let i = 0; i < values.length; i++) if (values[i] === nodata) values[i] = 0;
  return values;
}

/** A VRT (XML, which GDAL opens as a file name) with a complex band's real part as band 1, imaginary as 2. */
function complexPartsVrt(source: string, band: number, width: number, height: number): string {
  const part = (index: number, fn: "real" | "imag"): string =>
    `<VRTRasterBand dataType="Float64" band="${index}" subClass="VRTDerivedRasterBand">` +
    `<PixelFunctionType>${fn}</PixelFunctionType><SourceTransferType>CFloat64</SourceTransferType>` +
    `<SimpleSource><SourceFilename relativeToVRT="0">${escapeXml(source)}</SourceFilename>` +
    `<SourceBand>${band}</SourceBand></SimpleSource></VRTRasterBand>`;
  return `<VRTDataset rasterXSize="${width}" rasterYSize="${height}">${part(1, "real")}${part(2, "imag")}</VRTDataset>`;
}
