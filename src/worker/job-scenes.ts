import type { Sensor } from "../imagery/sensor.js";
import { sensorNamed } from "../imagery/sensors.js";
import type { JobSpec } from "../jobs/job-spec.js";
import { jobSceneParams, type SceneParams } from "../jobs/scene-params.js";

// Each scene of a job with what the job asks of it (jobs/scene-params.ts) and the sensor that reads it.

export interface JobScene extends SceneParams {
  readonly sensor: Sensor;
}

export function jobScenes(spec: JobSpec): JobScene[] {
  return jobSceneParams(spec).map((params) => ({ ...params, sensor: sensorNamed(params.identity.name) }));
}
