import { v7 as uuidv7 } from "uuid";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { buildEchoSpec } from "../../../src/jobs/build-job-spec.js";
import { JobStore } from "../../../src/jobs/job-store.js";
import type { StatusDocument } from "../../../src/jobs/status-document.js";
import { createAccepted } from "../../../src/jobs/transitions.js";
import { createLogger } from "../../../src/logging/create-logger.js";
import { runJob } from "../../../src/worker/run-job.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";

// A worker whose status.json writes fail (ENOSPC, EIO, a stale NFS handle): the job's outcome on disk is still
// right. An echo job runs the real worker code path without GDAL.

let sandbox: Sandbox;
let store: JobStore;
const logger = createLogger({ name: "test-worker", consoleLevel: "fatal" });
// The real method, kept before it is spied on; called with its store.
// eslint-disable-next-line @typescript-eslint/unbound-method
const realWriteStatus = JobStore.prototype.writeStatus;

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [] });
  store = new JobStore(loadConfig(sandbox.configPath, {}).workingDir);
});
afterAll(() => sandbox.remove());
afterEach(() => vi.restoreAllMocks());

/** Fails status writes of documents `failing` picks, as a full volume would. */
function failWrites(failing: (doc: StatusDocument, attempt: number) => boolean): void {
  let attempt = 0;
  vi.spyOn(JobStore.prototype, "writeStatus").mockImplementation(function (this: JobStore, doc) {
    if (failing(doc, attempt++)) {
      return Promise.reject(
        Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }),
      );
    }
    return realWriteStatus.call(this, doc);
  });
}

async function echoJob(): Promise<string> {
  const jobId = uuidv7();
  const now = new Date();
  const config = loadConfig(sandbox.configPath, {});
  await store.create(
    buildEchoSpec(jobId, { stringInput: "hello", pause: 0 }, "tester", config, now),
    createAccepted(jobId, [], now, "echo"),
  );
  return jobId;
}

describe("a worker whose status writes fail", () => {
  it("finishes successful when the final write fails once", async () => {
    const jobId = await echoJob();
    let failedOnce = false;
    failWrites((doc) => {
      if (doc.status !== "successful" || failedOnce) return false;
      failedOnce = true;
      return true;
    });
    const outcome = await runJob(store.jobDir(jobId), { logger, statusRetryDelaysMs: [5, 5] });
    vi.restoreAllMocks();
    expect(failedOnce).toBe(true);
    expect(outcome).toBe("finished");
    expect((await store.readStatus(jobId)).status).toBe("successful");
  });

  it("fails the job with the cause when the final status cannot be written for a while", async () => {
    const jobId = await echoJob();
    let finalAttempts = 0;
    // The successful document never gets written; the failed one does, once the volume has room again.
    failWrites((doc) => doc.status === "successful" && ++finalAttempts > 0);
    const outcome = await runJob(store.jobDir(jobId), { logger, statusRetryDelaysMs: [5, 5] });
    vi.restoreAllMocks();
    expect(finalAttempts).toBe(3);
    expect(outcome).toBe("failed");
    const status = await store.readStatus(jobId);
    expect(status.status).toBe("failed");
    expect(status.message).toMatch(/status\.json could not be written: ENOSPC: no space left on device/);
    expect(await store.readLog(jobId)).toMatch(/preprocessing failed\n.*status\.json could not be written/);
  });

  it("exits with an error when no status can be written at all, leaving the API to fail the job", async () => {
    const jobId = await echoJob();
    failWrites((doc) => doc.status !== "running" || doc.message !== "Started");
    await expect(runJob(store.jobDir(jobId), { logger, statusRetryDelaysMs: [5] })).rejects.toThrow(
      /status\.json could not be written/,
    );
    vi.restoreAllMocks();
    expect((await store.readStatus(jobId)).status).toBe("running");
  });
});
