import path from "node:path";
import { errorMessage } from "../../common/errors.js";
import { readVsiFile, vsiFileExists } from "../sentinel2/read-vsi-file.js";
import { Sentinel2MetadataError } from "../sentinel2/sentinel2-metadata-error.js";
import { XmlElement } from "../sentinel2/xml-element.js";
import { RcmMetadataError } from "./rcm-metadata-error.js";

// The files of a product read at its root, a folder or /vsizip/{<zip>}/<product> alike (GDAL's VSI layer reads
// both), and its XML walked with the shared XmlElement, whose errors become RcmMetadataErrors here. product.xml
// names the other files relative to metadata/ (images as ../imagery/VV.tif) or to metadata/calibration/ (LUTs,
// noise levels, incidence angles), as GDAL's RCM driver resolves them; the model keeps them relative to the root.

export { PRODUCT_XML } from "./rcm-product-schema.js";

/** The folder product.xml sits in, and the one its calibration files sit in, relative to the product folder. */
export const METADATA_DIR = "metadata";
export const CALIBRATION_DIR = "metadata/calibration";

/** The product folder's name, as messages name the product. */
export function rcmProductName(root: string): string {
  return path.posix.basename(root.replace(/\/+$/, ""));
}

/** The path GDAL opens for a file named relative to the product folder. */
export function rcmProductFile(root: string, file: string): string {
  return `${root.replace(/\/+$/, "")}/${file}`;
}

/**
 * A file product.xml names relative to one of its folders, relative to the product folder instead:
 * ("metadata", "../imagery/VV.tif") -> "imagery/VV.tif". Backslashes are read as slashes (GDAL swaps them too);
 * what climbs out of the product comes back as written, for the schema to refuse.
 */
export function resolveRcmFile(dir: string, name: string): string {
  const slashed = name.replace(/\\/g, "/");
  if (slashed.startsWith("/")) return name;
  const resolved = path.posix.normalize(path.posix.join(dir, slashed));
  return resolved.startsWith("../") || resolved === ".." ? name : resolved;
}

/** A product file's text; a missing or unreadable one throws an RcmMetadataError naming it and the product. */
export async function readRcmText(root: string, file: string): Promise<string> {
  const full = rcmProductFile(root, file);
  try {
    return (await readVsiFile(full)).toString("utf8");
  } catch (cause) {
    const why = (await vsiFileExists(full)) ? `cannot be read: ${errorMessage(cause)}` : "not found";
    throw new RcmMetadataError(`${file} ${why} in ${rcmProductName(root)}`, { cause });
  }
}

/** Whether the product holds a file. */
export function rcmFileExists(root: string, file: string): Promise<boolean> {
  return vsiFileExists(rcmProductFile(root, file));
}

/** Parses an XML file's text and reads it; every fault throws an RcmMetadataError naming file and element. */
export function readRcmXml<T>(text: string, file: string, read: (root: XmlElement) => T): T {
  try {
    return read(XmlElement.parse(text, file));
  } catch (error) {
    if (error instanceof Sentinel2MetadataError) throw new RcmMetadataError(error.message, { cause: error });
    throw error;
  }
}
