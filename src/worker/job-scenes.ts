import type { Product } from "../common/products.js";
import { identifyScene } from "../imagery/identify-scene.js";
import type { ParsedScene } from "../imagery/sensor-identity.js";
import type { Sensor } from "../imagery/sensor.js";
import { sensorNamed } from "../imagery/sensors.js";
import type { JobSpec } from "../jobs/job-spec.js";

// Each scene of a job with its sensor and what the job asks of it: bands and product from the request, else
// from the sensor's PARAMS block frozen in job.json, else the sensor's default for the scene's level.

export interface JobScene {
  /** As the request named it (a Sentinel-2 id may end in .SAFE): the status and log use it. */
  readonly requested: string;
  readonly sensor: Sensor;
  readonly scene: ParsedScene;
  readonly bands: readonly string[];
  readonly product: Product;
  readonly resampClip: boolean;
}

export function jobScenes(spec: JobSpec): JobScene[] {
  const { request, resolved } = spec;
  if (request === undefined) throw new Error("job.json has no preprocessing request");
  return request.imagery_list.map((requested) => {
    const { identity, scene } = identifyScene(requested);
    const params = resolved.sensors[identity.name];
    if (params === undefined)
      throw new Error(`job.json has no PARAMS for ${identity.title} (${identity.name})`);
    return {
      requested,
      sensor: sensorNamed(identity.name),
      scene,
      bands: request.bands?.[identity.name] ?? params.bands,
      product: request.product ?? params.product ?? identity.defaultProduct(scene),
      resampClip: params.resampClip,
    };
  });
}
