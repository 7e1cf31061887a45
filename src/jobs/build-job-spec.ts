import type { Config } from "../config/config.js";
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
  return { ...specBase(jobId, owner, config, now), process: "preprocessing", request };
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
      bands: [...config.landsat.bands],
      product: config.landsat.product,
      resampClip: config.landsat.resampClip,
      logLevel: config.logging.consoleLevel,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      staging: config.staging,
      maxOutputPixels: config.maxOutputPixels,
    },
  };
}
