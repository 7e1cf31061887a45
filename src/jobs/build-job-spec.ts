import type { Config } from "../config/config.js";
import type { JobRequest, JobSpec } from "./job-spec.js";
import { publishPathFor } from "./publish-paths.js";

/** Freezes the config's part of a job into its job.json at submission time. */
export function buildJobSpec(
  jobId: string,
  request: JobRequest,
  owner: string,
  config: Config,
  now: Date,
): JobSpec {
  return {
    jobId,
    created: now.toISOString(),
    owner,
    request,
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
    },
  };
}
