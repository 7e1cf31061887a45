import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import { publishPathFor } from "../../../src/jobs/publish-paths.js";
import {
  createAccepted,
  markFailed,
  markFinished,
  markRunning,
  updateScene,
} from "../../../src/jobs/transitions.js";
import type { TestService } from "../../helpers/service.js";

// A job written straight into the store as a worker would have left it, for tests about what the API serves
// from finished jobs (results, downloads) without running a worker.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";

export interface FinishedJob {
  readonly jobId: string;
  /** The job's published folder. */
  readonly published: string;
  readonly outputs: readonly string[];
}

/** A successful preprocessing job whose outputs (relative paths -> contents) are published for real. */
export async function seedFinishedJob(
  service: TestService,
  outputs: Readonly<Record<string, string>>,
  owner = "anonymous",
): Promise<FinishedJob> {
  const jobId = randomUUID();
  const now = new Date();
  const request = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };
  await service.store.create(
    buildJobSpec(jobId, request, owner, service.config, now),
    createAccepted(jobId, [SCENE], now),
  );
  const publishPath = publishPathFor(jobId);
  const published = path.join(service.config.imageryStorage, publishPath);
  for (const [file, text] of Object.entries(outputs)) {
    await fs.mkdir(path.dirname(path.join(published, file)), { recursive: true });
    await fs.writeFile(path.join(published, file), text);
  }
  const running = markRunning(createAccepted(jobId, [SCENE], now), now);
  const done = updateScene(running, SCENE, { status: "successful", outputs: Object.keys(outputs) }, now);
  await service.store.writeStatus(markFinished(done, publishPath, now));
  return { jobId, published, outputs: Object.keys(outputs) };
}

/** A preprocessing job that failed with `reason`. */
export async function seedFailedJob(service: TestService, reason: string): Promise<string> {
  const jobId = randomUUID();
  const now = new Date();
  const request = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };
  await service.store.create(
    buildJobSpec(jobId, request, "anonymous", service.config, now),
    createAccepted(jobId, [SCENE], now),
  );
  await service.store.writeStatus(
    markFailed(markRunning(createAccepted(jobId, [SCENE], now), now), reason, now),
  );
  return jobId;
}
