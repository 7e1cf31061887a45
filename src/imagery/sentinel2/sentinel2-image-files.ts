import { sentinel2Band, Sentinel2BandSchema, type Sentinel2Band } from "./sentinel2-bands.js";
import { SafeRelativePathSchema, type Sentinel2File } from "./sentinel2-metadata-schema.js";
import type { XmlElement } from "./xml-element.js";

// The band files a product lists (Product_Organisation/Granule_List/Granule/IMAGE_FILE), each with its pixel size:
// L2A names them IMG_DATA/R20m/T29UNU_<time>_B05_20m, at several resolutions per band; L1C names them
// IMG_DATA/T29UNU_<time>_B05, each at the band's native resolution. The names carry no extension: the granule's
// imageFormat gives it.

export interface Sentinel2ImageFiles {
  readonly granuleDir: string;
  readonly bandFiles: Partial<Record<Sentinel2Band, Sentinel2File[]>>;
  readonly sclFiles: Sentinel2File[];
}

const EXTENSIONS: Readonly<Record<string, string>> = { JPEG2000: ".jp2" };
const BAND_FILE = /_(B0[1-9]|B1[0-2]|B8A|SCL)(?:_(10|20|60)m)?$/;
const RESOLUTION_FOLDER = /\/R(10|20|60)m\//;

/** Reads the IMAGE_FILE lists of the product's Granule elements; a compact product has exactly one granule. */
export function readImageFiles(granules: readonly XmlElement[]): Sentinel2ImageFiles {
  const bandFiles: Partial<Record<Sentinel2Band, Sentinel2File[]>> = {};
  const sclFiles: Sentinel2File[] = [];
  let granuleDir: string | undefined;
  for (const granule of granules) {
    const format = granule.attribute("imageFormat") ?? "JPEG2000";
    const extension = EXTENSIONS[format];
    if (extension === undefined)
      throw granule.error(`<${granule.path}> imageFormat ${format} is not JPEG2000`);
    for (const element of granule.children("IMAGE_FILE")) {
      const name = element.value(SafeRelativePathSchema);
      const dir = name.split("/").slice(0, 2).join("/");
      if (!dir.startsWith("GRANULE/") || name.split("/").length < 4) {
        throw element.error(`<${element.path}> ${name} is not a file inside GRANULE/<granule>/`);
      }
      if (granuleDir !== undefined && dir !== granuleDir) {
        throw element.error(`lists files of two granules (${granuleDir}, ${dir}): not a single-tile product`);
      }
      granuleDir = dir;
      const file = classify(name, element);
      if (file === undefined) continue;
      const entry = {
        file: name.endsWith(extension) ? name : `${name}${extension}`,
        resolution: file.resolution,
      };
      if (file.band === "SCL") sclFiles.push(entry);
      else (bandFiles[file.band] ??= []).push(entry);
    }
  }
  const first = granules[0];
  if (granuleDir === undefined || first === undefined) {
    throw new Error("readImageFiles: no IMAGE_FILE (the caller checks the Granule_List first)");
  }
  for (const files of Object.values(bandFiles)) files.sort((a, b) => a.resolution - b.resolution);
  sclFiles.sort((a, b) => a.resolution - b.resolution);
  return { granuleDir, bandFiles, sclFiles };
}

/** The band and pixel size a listed file holds; undefined for TCI, AOT, WVP and other non-band files. */
function classify(
  name: string,
  element: XmlElement,
): { band: Sentinel2Band | "SCL"; resolution: Sentinel2File["resolution"] } | undefined {
  const match = BAND_FILE.exec(name);
  if (match === null) return undefined;
  const band = match[1] === "SCL" ? "SCL" : Sentinel2BandSchema.parse(match[1]);
  const fromName = match[2];
  const fromFolder = RESOLUTION_FOLDER.exec(name)?.[1];
  if (fromName !== undefined && fromFolder !== undefined && fromName !== fromFolder) {
    throw element.error(`<${element.path}> ${name} is in the R${fromFolder}m folder but named _${fromName}m`);
  }
  const stated = fromName ?? fromFolder;
  if (stated !== undefined) return { band, resolution: Number(stated) as Sentinel2File["resolution"] };
  if (band === "SCL") throw element.error(`<${element.path}> ${name} does not say its resolution`);
  // L1C: one file per band, at the band's native resolution.
  return { band, resolution: sentinel2Band(band).resolution };
}
