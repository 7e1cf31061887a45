import type { Config } from "../config/config.js";
import { identifyScene } from "../imagery/identify-scene.js";
import type { EchoInputs, JobRequest, JobSpec } from "./job-spec.js";
import { publishPathFor } from "./publish-paths.js";

/** Freezes the config's part of a job into its job.json at submission time. */
export function buildJobSpec(
  jobId: string,
  request: JobRequest,
  owner: string,
  config: Config,
  now: Date,
): JobSpec {
  const base = specBase(jobId, owner, config, now);
  // Each scene's sensor, as the API identified it (its ids are valid by now).
  const scenes = request.imagery_list.map((id) => ({ id, sensor: identifyScene(id).identity.name }));
  return { ...base, resolved: { ...base.resolved, scenes }, process: "preprocessing", request };
}

/** An echo job's job.json: the same resolved part (the worker reads its heartbeat and log level there). */
export function buildEchoSpec(
  jobId: string,
  echo: EchoInputs,
  owner: string,
  config: Config,
  now: Date,
): JobSpec {
  return { ...specBase(jobId, owner, config, now), process: "echo", echo };
}

function specBase(jobId: string, owner: string, config: Config, now: Date): Omit<JobSpec, "process"> {
  return {
    jobId,
    created: now.toISOString(),
    owner,
    resolved: {
      imageryStorage: config.imageryStorage,
      publishPath: publishPathFor(jobId),
      projection: config.projection,
      sensors: Object.fromEntries(
        Object.entries(config.sensors).map(([name, params]) => [
          name,
          {
            bands: [...params.bands],
            ...(params.product === undefined ? {} : { product: params.product }),
            resampClip: params.resampClip,
            ...(params.radar === undefined
              ? {}
              : { radar: { ...params.radar, modes: params.radar.modes && [...params.radar.modes] } }),
          },
        ]),
      ),
      logLevel: config.logging.consoleLevel,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      staging: config.staging,
      maxOutputPixels: config.maxOutputPixels,
      srtmDir: config.srtmDir,
    },
  };
}
