import gdal from "gdal-async";
import { escapeXml } from "../../pipeline/escape-xml.js";

// gdal-async can stat and list GDAL virtual file systems (/vsizip/, /vsis3/...) but has no call that reads a
// file's bytes. A one-line VRT raw band over the file does: GDAL reads the file as a row of bytes through the
// same VSI layer that will later read the band files, so a product's XML comes out of its zip (ZIP64 included)
// without unpacking it and without a second zip implementation in the service.

/** Metadata files are a few MB at most; anything larger is not what the caller thinks it is. */
const MAX_BYTES = 64 * 1024 * 1024;

/** The bytes of a file on any GDAL file system; rejects with the file named when it is missing or unreadable. */
export async function readVsiFile(file: string): Promise<Buffer> {
  let size: number;
  try {
    size = (await gdal.fs.statAsync(file)).size;
  } catch (cause) {
    throw new Error(`${file} does not exist or cannot be read`, { cause });
  }
  if (size === 0) return Buffer.alloc(0);
  if (size > MAX_BYTES)
    throw new Error(`${file} is ${size} bytes, more than the ${MAX_BYTES} a metadata file may be`);
  const vrt = [
    `<VRTDataset rasterXSize="${size}" rasterYSize="1">`,
    `  <VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">`,
    `    <SourceFilename relativeToVRT="0">${escapeXml(file)}</SourceFilename>`,
    `    <ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>${size}</LineOffset>`,
    `  </VRTRasterBand>`,
    `</VRTDataset>`,
  ].join("\n");
  const dataset = await gdal.openAsync(vrt);
  try {
    const bytes = await dataset.bands.get(1).pixels.readAsync(0, 0, size, 1);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } finally {
    dataset.close();
  }
}

/** Whether a file exists on any GDAL file system. */
export async function vsiFileExists(file: string): Promise<boolean> {
  try {
    await gdal.fs.statAsync(file);
    return true;
  } catch {
    return false;
  }
}
