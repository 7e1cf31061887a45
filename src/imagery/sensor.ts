import type { MaskFlag } from "../common/mask-flags.js";
import type { SceneProduct } from "../common/products.js";
import type { ReflectanceType } from "../pipeline/band-conversion.js";
import type { RadarOptions } from "../common/radar.js";
import type { QuicklookLook } from "../pipeline/quicklook.js";
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
  /** An optical scene's product, or a radar scene's calibration (also in radar). */
  readonly product: SceneProduct;
  readonly reflectanceType: ReflectanceType;
  /** Flags whose pixels become nodata in every band (fill always does). */
  readonly mask?: readonly MaskFlag[] | undefined;
  /** Sentinel-2 reflectance adjusted to Landsat 8 OLI (HLS bandpass coefficients). */
  readonly harmonize?: boolean | undefined;
  /** Calibration, speckle filter, units and beam modes for a radar scene. */
  readonly radar?: RadarOptions | undefined;
  /** SRTM_DIR: the DEM tiles for radar terrain correction. */
  readonly srtmDir?: string | undefined;
  /**
   * The scene's scratch folder in the job (made, and removed once the scene is done, by the worker): for what a
   * plan derives before the pipeline runs (a radar scene's DEM).
   */
  readonly scratchDir?: string | undefined;
}

/** What the pipeline runs for a scene, and what its metadata, STAC Item and quicklook say. */
export interface ScenePlan {
  readonly bands: readonly BandPlan[];
  readonly qaMask?: QaMask | undefined;
  readonly description: SceneDescription;
  /** What the scene's message and the job log should tell the user (a DEM tile missing, no RPCs). */
  readonly notes?: readonly string[] | undefined;
  /** How the quicklook shows the scene (true colour, radar polarisations); grey from the first band if absent. */
  readonly look?: QuicklookLook | undefined;
}

export interface Sensor<Scene extends ParsedScene = ParsedScene> extends SensorIdentity<Scene> {
  locate(imageryStorage: string, scene: Scene): Promise<SceneLocation>;
  /** Where plan() reads a scene whose folder or zip is at `path` (a zip: the /vsizip/ path inside it). */
  readRoot(path: string, kind: "folder" | "zip", scene: Scene): string;
  /**
   * Reads the scene's metadata at `root` and plans its bands. Everything that can fail on the metadata (a
   * product the level cannot give, a band or flag the scene lacks, a malformed file) fails here, naming the
   * file and element, before a pixel is read. A scene the job does not want (a radar beam mode outside
   * PARAMS modes) throws SceneSkippedError with the reason.
   */
  plan(root: string, scene: Scene, request: SceneRequest): Promise<ScenePlan>;
}

/** A scene the job leaves out on purpose, with the reason (status skipped, not failed). */
export class SceneSkippedError extends Error {
  override readonly name = "SceneSkippedError";
}
