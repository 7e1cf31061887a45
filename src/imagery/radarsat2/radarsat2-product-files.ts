import path from "node:path";
import { errorMessage } from "../../common/errors.js";
import { readVsiFile, vsiFileExists } from "../sentinel2/read-vsi-file.js";
import { Sentinel2MetadataError } from "../sentinel2/sentinel2-metadata-error.js";
import { XmlElement } from "../sentinel2/xml-element.js";
import { Radarsat2MetadataError } from "./radarsat2-metadata-error.js";

// The files of a product read at its root, a folder or /vsizip/{<zip>}/<product> alike (GDAL's VSI layer reads
// both), and its XML walked with the shared XmlElement, whose errors become Radarsat2MetadataErrors here.

/** The product folder's name, as messages name the product. */
export function radarsat2ProductName(root: string): string {
  return path.posix.basename(root.replace(/\/+$/, ""));
}

/** The path GDAL opens for a file named relative to the product folder. */
export function radarsat2ProductFile(root: string, file: string): string {
  return `${root.replace(/\/+$/, "")}/${file}`;
}

/** A product file's text; a missing or unreadable one throws a Radarsat2MetadataError naming it and the product. */
export async function readRadarsat2Text(root: string, file: string): Promise<string> {
  const full = radarsat2ProductFile(root, file);
  try {
    return (await readVsiFile(full)).toString("utf8");
  } catch (cause) {
    const why = (await vsiFileExists(full)) ? `cannot be read: ${errorMessage(cause)}` : "not found";
    throw new Radarsat2MetadataError(`${file} ${why} in ${radarsat2ProductName(root)}`, { cause });
  }
}

/** Whether the product holds a file. */
export function radarsat2FileExists(root: string, file: string): Promise<boolean> {
  return vsiFileExists(radarsat2ProductFile(root, file));
}

/** Parses an XML file's text and reads it; every fault throws a Radarsat2MetadataError naming file and element. */
export function readRadarsat2Xml<T>(text: string, file: string, read: (root: XmlElement) => T): T {
  try {
    return read(XmlElement.parse(text, file));
  } catch (error) {
    if (error instanceof Sentinel2MetadataError)
      throw new Radarsat2MetadataError(error.message, { cause: error });
    throw error;
  }
}
