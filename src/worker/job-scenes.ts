import type { SceneProduct } from "../common/products.js";
import type { RadarOptions } from "../common/radar.js";
import { identifyScene } from "../imagery/identify-scene.js";
import type { ParsedScene } from "../imagery/sensor-identity.js";
import type { Sensor } from "../imagery/sensor.js";
import { sensorNamed } from "../imagery/sensors.js";
import type { JobSpec } from "../jobs/job-spec.js";

// Each scene of a job with its sensor and what the job asks of it: bands and product (radar: calibration,
// filter, window and units) from the request, else from the sensor's PARAMS block frozen in job.json, else the
// sensor's default for the scene's level.

export interface JobScene {
  /** As the request named it (a Sentinel-2 id may end in .SAFE): the status and log use it. */
  readonly requested: string;
  readonly sensor: Sensor;
  readonly scene: ParsedScene;
  readonly bands: readonly string[];
  /** An optical product, or a radar scene's calibration. */
  readonly product: SceneProduct;
  readonly resampClip: boolean;
  /** A radar scene's calibration, filter, units and beam modes. */
  readonly radar: RadarOptions | undefined;
}

export function jobScenes(spec: JobSpec): JobScene[] {
  const { request, resolved } = spec;
  if (request === undefined) throw new Error("job.json has no preprocessing request");
  return request.imagery_list.map((requested) => {
    const { identity, scene } = identifyScene(requested);
    const params = resolved.sensors[identity.name];
    if (params === undefined)
      throw new Error(`job.json has no PARAMS for ${identity.title} (${identity.name})`);
    const common = {
      requested,
      sensor: sensorNamed(identity.name),
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
