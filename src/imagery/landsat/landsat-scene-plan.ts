import path from "node:path";
import type { LandsatBand } from "./landsat-bands.js";
import type { Product } from "../../common/products.js";
import type { MaskFlag } from "../../common/mask-flags.js";
import type { ReflectanceType } from "../../pipeline/band-conversion.js";
import type { PreprocessSceneOptions } from "../../pipeline/preprocess-scene.js";
import type { BandPlan, QaMask } from "../../pipeline/scene-output.js";
import { bandFile, type LandsatMetadata } from "./landsat-metadata.js";
import { bandConversion } from "./landsat-products.js";
import { maskPredicate } from "./landsat-qa.js";

// A Landsat scene as a plan the pipeline runs: each band's file and conversion from the MTL, and the QA mask.
// Everything that can fail on the metadata (a product the level cannot give, a flag the QA band lacks) fails
// here, before any pixel is read.

/** What a Landsat plan is made from; anything else given (the pipeline's run options) is passed through. */
export interface LandsatPlanInput {
  /** The folder holding the scene's files (staged copy or the volume itself). */
  readonly sceneDir: string;
  readonly metadata: LandsatMetadata;
  readonly bands: readonly LandsatBand[];
  readonly product: Product;
  readonly reflectanceType: ReflectanceType;
  /** QA flags whose pixels become nodata in every band (fill always does). */
  readonly mask?: readonly MaskFlag[] | undefined;
}

/** Each band's file and conversion, and the QA mask, from the MTL. */
export function planLandsatBands(input: LandsatPlanInput): {
  readonly bands: BandPlan[];
  readonly qaMask: QaMask | undefined;
} {
  const { sceneDir, metadata, product, reflectanceType, mask } = input;
  return {
    bands: input.bands.map((band) => ({
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

/** A Landsat scene's whole pipeline run: the plan with the run options (the pipeline tests use it). */
export function landsatScenePlan(
  options: LandsatPlanInput & Omit<PreprocessSceneOptions, "bands" | "qaMask">,
): PreprocessSceneOptions {
  // The plan's own inputs ride along unused; every run option passes through, whatever it is.
  return { ...options, ...planLandsatBands(options) };
}
