import type { SceneProduct } from "../common/products.js";
import type { RadarOptions } from "../common/radar.js";
import { identifyScene } from "../imagery/identify-scene.js";
import type { ParsedScene, SensorIdentity } from "../imagery/sensor-identity.js";
import type { JobSpec } from "./job-spec.js";

// What a job asks of each of its scenes, known from job.json alone: bands and product (radar: calibration,
// filter, window and units) from the request, else from the sensor's PARAMS block frozen in job.json, else the
// sensor's default for the scene's level. The API reads it for job_log.txt's header; the worker adds the
// sensor's reader (worker/job-scenes.ts).

export interface SceneParams {
  /** As the request named it (a Sentinel-2 id may end in .SAFE): the status and log use it. */
  readonly requested: string;
  readonly identity: SensorIdentity;
  readonly scene: ParsedScene;
  readonly bands: readonly string[];
  /** An optical product, or a radar scene's calibration. */
  readonly product: SceneProduct;
  readonly resampClip: boolean;
  /** A radar scene's calibration, filter, units and beam modes. */
  readonly radar: RadarOptions | undefined;
}

/** Each scene of a preprocessing job, in request order (task i is scene i). */
export function jobSceneParams(spec: JobSpec): SceneParams[] {
  const { request, resolved } = spec;
  if (request === undefined) throw new Error("job.json has no preprocessing request");
  return request.imagery_list.map((requested) => {
    const { identity, scene } = identifyScene(requested);
    const params = resolved.sensors[identity.name];
    if (params === undefined)
      throw new Error(`job.json has no PARAMS for ${identity.title} (${identity.name})`);
    const common = {
      requested,
      identity,
      scene,
      bands: request.bands?.[identity.name] ?? params.bands,
      resampClip: params.resampClip,
    };
    if (identity.kind === "optical") {
      const product = request.product ?? params.product ?? identity.defaultProduct(scene);
      return { ...common, product, radar: undefined };
    }
    if (params.radar === undefined)
      throw new Error(`job.json has no radar PARAMS for ${identity.title} (${identity.name})`);
    const radar: RadarOptions = {
      calibration: request.calibration ?? params.radar.calibration,
      filter: request.filter ?? params.radar.filter,
      window: request.filter_window ?? params.radar.window,
      units: request.units ?? params.radar.units,
      modes: params.radar.modes,
      noiseRemoval: request.noise_removal ?? params.radar.noiseRemoval,
    };
    return { ...common, product: radar.calibration, radar };
  });
}
