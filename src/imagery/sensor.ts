import type { MaskFlag } from "../common/mask-flags.js";
import type { Product } from "../common/products.js";
import type { ReflectanceType } from "../pipeline/band-conversion.js";
import type { SceneDescription } from "../pipeline/scene-metadata.js";
import type { BandPlan, QaMask } from "../pipeline/scene-output.js";
import type { ParsedScene, SensorIdentity } from "./sensor-identity.js";

// A sensor is a module of one pipeline. Its identity (sensor-identity.ts: ids, bands, products) is what the API
// knows; the worker also asks it where a scene lives and for the scene's plan: which file or dataset each band
// is read from, how its DNs become the product, the quality mask, and what the metadata and STAC Item say. The
// pipeline runs the plan and names no sensor. docs/sensors.md shows how to add one.

/** Where a scene was found on the imagery storage, or where it was looked for. */
export type SceneLocation =
  | {
      readonly found: true;
      /** What staging copies: the scene's folder, or its zip file (read in place, never unpacked). */
      readonly source: string;
      readonly kind: "folder" | "zip";
    }
  | { readonly found: false; /** Relative to the imagery storage. */ readonly where: string };

/** What a job asks of one scene, resolved from the request and the sensor's PARAMS block. */
export interface SceneRequest {
  readonly bands: readonly string[];
  readonly product: Product;
  readonly reflectanceType: ReflectanceType;
  /** Flags whose pixels become nodata in every band (fill always does). */
  readonly mask?: readonly MaskFlag[] | undefined;
  /** Sentinel-2 reflectance adjusted to Landsat 8 OLI (HLS bandpass coefficients). */
  readonly harmonize?: boolean | undefined;
}

/** What the pipeline runs for a scene, and what its metadata, STAC Item and quicklook say. */
export interface ScenePlan {
  readonly bands: readonly BandPlan[];
  readonly qaMask?: QaMask | undefined;
  readonly description: SceneDescription;
  /** Red, green and blue band names for the quicklook, where the sensor has them. */
  readonly trueColour?: readonly [string, string, string] | undefined;
}

export interface Sensor<Scene extends ParsedScene = ParsedScene> extends SensorIdentity<Scene> {
  locate(imageryStorage: string, scene: Scene): Promise<SceneLocation>;
  /** Where plan() reads a scene whose folder or zip is at `path` (a zip: the /vsizip/ path inside it). */
  readRoot(path: string, kind: "folder" | "zip", scene: Scene): string;
  /**
   * Reads the scene's metadata at `root` and plans its bands. Everything that can fail on the metadata (a
   * product the level cannot give, a band or flag the scene lacks, a malformed file) fails here, naming the
   * file and element, before a pixel is read.
   */
  plan(root: string, scene: Scene, request: SceneRequest): Promise<ScenePlan>;
}
