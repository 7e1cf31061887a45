import path from "node:path";
import type { LandsatBand, Product } from "../config/config-schema.js";
import type { MaskFlag } from "../common/mask-flags.js";
import type { ReflectanceType } from "../pipeline/band-conversion.js";
import type { PreprocessSceneOptions } from "../pipeline/preprocess-scene.js";
import { bandFile, type LandsatMetadata } from "./landsat-metadata.js";
import { bandConversion } from "./landsat-products.js";
import { maskPredicate } from "./landsat-qa.js";

// A Landsat scene as a plan the pipeline runs: each band's file and conversion from the MTL, and the QA mask.
// Everything that can fail on the metadata (a product the level cannot give, a flag the QA band lacks) fails
// here, before any pixel is read.

export interface LandsatSceneOptions extends Omit<PreprocessSceneOptions, "bands" | "qaMask"> {
  /** The folder holding the scene's files (staged copy or the volume itself). */
  readonly sceneDir: string;
  readonly metadata: LandsatMetadata;
  readonly bands: readonly LandsatBand[];
  readonly product: Product;
  readonly reflectanceType: ReflectanceType;
  /** QA flags whose pixels become nodata in every band (fill always does). */
  readonly mask?: readonly MaskFlag[] | undefined;
}

export function landsatScenePlan(options: LandsatSceneOptions): PreprocessSceneOptions {
  const { sceneDir, metadata, bands, product, reflectanceType, mask, ...run } = options;
  return {
    ...run,
    bands: bands.map((band) => ({
      band,
      source: path.join(sceneDir, bandFile(metadata, band)),
      conversion: bandConversion(metadata, band, product, reflectanceType),
    })),
    qaMask:
      mask === undefined
        ? undefined
        : { file: path.join(sceneDir, metadata.qaPixelFile ?? ""), drop: maskPredicate(metadata, mask) },
  };
}
