import { v7 as uuidv7 } from "uuid";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { buildEchoSpec } from "../../../src/jobs/build-job-spec.js";
import { JobStore } from "../../../src/jobs/job-store.js";
import type { TaskDocument } from "../../../src/jobs/task-document.js";
import { createAccepted, markRunning } from "../../../src/jobs/transitions.js";
import { createLogger } from "../../../src/logging/create-logger.js";
import { runTask } from "../../../src/worker/run-task.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";

// A worker whose writes of its task's document fail (ENOSPC, EIO, a stale NFS handle): the task's outcome on
// disk is still right, or the worker says it could not record it. An echo job runs the real task code path
// without GDAL.

let sandbox: Sandbox;
let store: JobStore;
const logger = createLogger({ name: "test-worker", consoleLevel: "fatal" });
// The real method, kept before it is spied on; called with its store.
// eslint-disable-next-line @typescript-eslint/unbound-method
const realWriteTask = JobStore.prototype.writeTask;

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [] });
  store = new JobStore(loadConfig(sandbox.configPath, {}).workingDir);
});
afterAll(() => sandbox.remove());
afterEach(() => vi.restoreAllMocks());

/** Fails task document writes that `failing` picks, as a full volume would. */
function failWrites(failing: (doc: TaskDocument, attempt: number) => boolean): void {
  let attempt = 0;
  vi.spyOn(JobStore.prototype, "writeTask").mockImplementation(function (this: JobStore, jobId, doc) {
    if (failing(doc, attempt++)) {
      return Promise.reject(
        Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }),
      );
    }
    return realWriteTask.call(this, jobId, doc);
  });
}

/** A running echo job, as the API leaves it before starting its task's worker. */
async function echoJob(): Promise<string> {
  const jobId = uuidv7();
  const now = new Date();
  const config = loadConfig(sandbox.configPath, {});
  const accepted = createAccepted(jobId, [], now, "echo");
  await store.create(
    buildEchoSpec(jobId, { stringInput: "hello", pause: 0 }, "tester", config, now),
    accepted,
  );
  await store.writeStatus(markRunning(accepted, now));
  return jobId;
}

const run = (jobId: string, retryDelaysMs: number[]) =>
  runTask(store.jobDir(jobId), 0, { attempt: 1, threads: 1, logger, statusRetryDelaysMs: retryDelaysMs });

describe("a worker whose task document writes fail", () => {
  it("ends the task successful when its final write fails once", async () => {
    const jobId = await echoJob();
    let failedOnce = false;
    failWrites((doc) => {
      if (doc.status !== "successful" || failedOnce) return false;
      failedOnce = true;
      return true;
    });
    const outcome = await run(jobId, [5, 5]);
    vi.restoreAllMocks();
    expect(failedOnce).toBe(true);
    expect(outcome).toBe("successful");
    expect(await store.readTask(jobId, 0)).toMatchObject({ status: "successful", attempt: 1, percent: 100 });
  });

  it("fails the task with the cause when its end cannot be written for a while", async () => {
    const jobId = await echoJob();
    let finalAttempts = 0;
    // The successful document never gets written; the failed one does, once the volume has room again.
    failWrites((doc) => doc.status === "successful" && ++finalAttempts > 0);
    const outcome = await run(jobId, [5, 5]);
    vi.restoreAllMocks();
    expect(finalAttempts).toBe(3);
    expect(outcome).toBe("failed");
    const task = await store.readTask(jobId, 0);
    expect(task?.status).toBe("failed");
    expect(task?.message).toMatch(/tasks\/0\.json could not be written: ENOSPC: no space left on device/);
    // It fails from where it last stood, not from the end that was never written.
    expect(task?.log.processing).toEqual([expect.stringMatching(/^Echo failed: tasks\/0\.json could not/)]);
    expect(await store.readLog(jobId)).toMatch(/Echo failed: .*ENOSPC/);
  });

  it("rejects when nothing after its start can be written, leaving the API to treat the worker as dead", async () => {
    const jobId = await echoJob();
    failWrites((_doc, attempt) => attempt > 0);
    await expect(run(jobId, [5])).rejects.toThrow(/tasks\/0\.json could not be written/);
    vi.restoreAllMocks();
    expect(await store.readTask(jobId, 0)).toMatchObject({ status: "running", message: "Starting" });
    expect((await store.readStatus(jobId)).status).toBe("running");
  });
});
