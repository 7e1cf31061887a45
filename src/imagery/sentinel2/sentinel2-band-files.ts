import { ProductError } from "../landsat/landsat-products.js";
import { MaskError } from "../landsat/landsat-qa.js";
import type { Sentinel2Band } from "./sentinel2-bands.js";
import { hasClassificationMask } from "./sentinel2-baseline.js";
import { Sentinel2MetadataError } from "./sentinel2-metadata-error.js";
import type { Sentinel2File, Sentinel2Metadata } from "./sentinel2-metadata-schema.js";
import type { Sentinel2ProductSource } from "./sentinel2-product-source.js";

// Which listed file to read for a band or a mask. An archive may keep only some of the resolution folders a
// product lists (the fixture keeps only R60m), so the choice is among the files actually present.

/** Whether a file (relative to the SAFE root) is in the product. */
export type FileExists = (file: string) => boolean;

/** The finest-resolution file the product holds for a band. */
export function finestBandFile(
  metadata: Pick<Sentinel2Metadata, "productId" | "bandFiles">,
  band: Sentinel2Band,
  exists: FileExists,
): Sentinel2File {
  const listed = metadata.bandFiles[band];
  if (listed === undefined) throw new ProductError(`${metadata.productId} lists no file for band ${band}`);
  const finestFirst = [...listed].sort((a, b) => a.resolution - b.resolution);
  return firstPresent(finestFirst, exists) ?? missing(metadata.productId, band, listed);
}

// SCL is computed at 20 m and resampled to 60 m (and, from baseline 04.00 in some archives, 10 m): 20 m first.
const SCL_PREFERENCE = [20, 60, 10] as const;

/** The L2A scene classification file: 20 m preferred, then 60 m, then 10 m. */
export function sclFile(
  metadata: Pick<Sentinel2Metadata, "productId" | "level" | "sclFiles">,
  exists: FileExists,
): Sentinel2File {
  if (metadata.level !== "L2A")
    throw new MaskError(`${metadata.productId}: L1C products have no scene classification (SCL)`);
  if (metadata.sclFiles.length === 0)
    throw new MaskError(`${metadata.productId} lists no scene classification (SCL) file`);
  const ordered = SCL_PREFERENCE.flatMap((r) => metadata.sclFiles.filter((f) => f.resolution === r));
  return firstPresent(ordered, exists) ?? missing(metadata.productId, "SCL", metadata.sclFiles);
}

/** The L1C classification mask (MSK_CLASSI_B00.jp2, baseline 04.00 on), relative to the SAFE root. */
export function classificationMaskFile(
  metadata: Pick<Sentinel2Metadata, "productId" | "processingBaseline" | "classificationMaskFile">,
  exists: FileExists,
): string {
  const { productId, processingBaseline: baseline, classificationMaskFile: file } = metadata;
  if (!hasClassificationMask(baseline)) {
    throw new MaskError(
      `${productId}: processing baseline ${baseline} has no raster classification mask (MSK_CLASSI_B00.jp2 comes ` +
        `with baseline 04.00; older products keep their cloud masks as GML vectors, MSK_CLOUDS_B00.gml), so only ` +
        `fill can be masked`,
    );
  }
  if (file === undefined)
    throw new MaskError(`${productId}: MTD_TL.xml lists no MSK_CLASSI classification mask`);
  if (!exists(file))
    throw new MaskError(
      `${productId}: the classification mask ${file} the metadata lists is not in the product`,
    );
  return file;
}

/** Every file the metadata lists (band files, SCL, classification mask) that the product holds. */
export async function presentFiles(
  source: Sentinel2ProductSource,
  metadata: Sentinel2Metadata,
): Promise<FileExists> {
  const listed = [
    ...Object.values(metadata.bandFiles).flatMap((files) => files.map((f) => f.file)),
    ...metadata.sclFiles.map((f) => f.file),
    ...(metadata.classificationMaskFile === undefined ? [] : [metadata.classificationMaskFile]),
  ];
  const present = await Promise.all(
    listed.map(async (file) => ((await source.exists(file)) ? file : undefined)),
  );
  const set = new Set(present.filter((file) => file !== undefined));
  return (file) => set.has(file);
}

function firstPresent(files: readonly Sentinel2File[], exists: FileExists): Sentinel2File | undefined {
  return files.find((f) => exists(f.file));
}

function missing(productId: string, what: string, listed: readonly Sentinel2File[]): never {
  throw new Sentinel2MetadataError(
    `${productId}: none of the ${what} files the metadata lists is in the product (${listed.map((f) => f.file).join(", ")})`,
  );
}
