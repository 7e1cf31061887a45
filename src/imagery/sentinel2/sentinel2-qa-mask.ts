import type { MaskFlag } from "../../common/mask-flags.js";
import type { QaMask } from "../../pipeline/scene-output.js";
import { classificationMaskFile, sclFile, type FileExists } from "./sentinel2-band-files.js";
import { classificationMaskPredicate, needsClassificationMask } from "./sentinel2-classification-mask.js";
import { writeL1cQaFile } from "./sentinel2-l1c-qa-file.js";
import type { Sentinel2Metadata } from "./sentinel2-metadata-schema.js";
import type { Sentinel2ProductSource } from "./sentinel2-product-source.js";
import { sclMaskPredicate } from "./sentinel2-scl.js";

// A Sentinel-2 scene's quality mask: L2A's scene classification (SCL), or for L1C the classification mask
// (MSK_CLASSI, baseline 04.00 on) packed with the requested bands' fill. Before 04.00 an L1C scene can mask fill
// only: its cloud masks are GML vectors.

/** The file the pipeline reads the mask from and which of its values drop a pixel; bandFiles: the plan's. */
export async function sentinel2QaMask(
  source: Sentinel2ProductSource,
  metadata: Sentinel2Metadata,
  exists: FileExists,
  bandFiles: readonly string[],
  flags: readonly MaskFlag[],
): Promise<QaMask> {
  if (metadata.level === "L2A") {
    return { file: source.path(sclFile(metadata, exists).file), drop: sclMaskPredicate(flags) };
  }
  const classi = needsClassificationMask(flags) ? classificationMaskFile(metadata, exists) : undefined;
  const drop = classificationMaskPredicate(flags);
  const file = await writeL1cQaFile({
    classificationMask: classi === undefined ? undefined : source.path(classi),
    bandFiles: bandFiles.map((f) => source.path(f)),
  });
  return { file, drop };
}
