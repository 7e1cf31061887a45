import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { loadConfig } from "../../src/config/load-config.js";
import { buildJobSpec } from "../../src/jobs/build-job-spec.js";
import type { JobRequest } from "../../src/jobs/job-spec.js";
import { JobStore } from "../../src/jobs/job-store.js";
import type { StatusDocument } from "../../src/jobs/status-document.js";
import { createAccepted } from "../../src/jobs/transitions.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { runJob } from "../../src/worker/run-job.js";
import type { Sandbox } from "./sandbox.js";

// A preprocessing job through the worker in-process, as the API would have accepted it: job.json from the
// sandbox's config, then runJob to the end.

const logger = createLogger({ name: "test-worker", consoleLevel: "fatal" });

export interface WorkerJobResult {
  readonly jobId: string;
  readonly status: StatusDocument;
  readonly log: string;
  /** The published output/ folder. */
  readonly out: string;
}

export async function runWorkerJob(
  sandbox: Sandbox,
  request: Partial<JobRequest> & { imagery_list: string[] },
  defaults: { readonly resolution: number } = { resolution: 100 },
): Promise<WorkerJobResult> {
  const config = loadConfig(sandbox.configPath, {});
  const store = new JobStore(config.workingDir);
  const jobId = uuidv7();
  const now = new Date();
  const full = { resolution: defaults.resolution, cores: 2, delete_intermediate: false, ...request };
  await store.create(
    buildJobSpec(jobId, full, "tester", config, now),
    createAccepted(jobId, full.imagery_list, now),
  );
  await runJob(store.jobDir(jobId), { logger });
  return {
    jobId,
    status: await store.readStatus(jobId),
    log: await store.readLog(jobId),
    out: path.join(sandbox.storage, "agricarta", "preprocessing", jobId, "output"),
  };
}
