import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import type { WorkerRecord } from "../../../src/executors/worker-record.js";
import { createAccepted, markRunning } from "../../../src/jobs/transitions.js";
import { isAlive, localPid, waitFor } from "../../helpers/alive.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, type TestService } from "../../helpers/service.js";

// What the API finds on disk after a restart, and how it watches workers it did not start itself.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
let sandbox: Sandbox;
let service: TestService;
const strays: ChildProcess[] = [];

beforeEach(async () => {
  sandbox = await createSandbox({ scenes: [], configLines: ["HEARTBEAT_TIMEOUT: 30"] });
  service = createTestService(sandbox, { worker: "forever" });
});

afterEach(async () => {
  service.jobs.stop();
  for (const { jobID, status } of (await service.jobs.list({ limit: 100 })).jobs) {
    if (status === "accepted" || status === "running")
      await service.jobs.cancel(jobID).catch(() => undefined);
  }
  for (const child of strays.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await sandbox.remove();
});

/** A job as an earlier API process left it. */
async function leftBehind(
  state: "accepted" | "running",
  updatedAgoMs = 0,
  worker?: WorkerRecord,
): Promise<string> {
  const created = new Date(Date.now() - 60_000);
  const jobId = uuidv7({ msecs: created.getTime() });
  const request = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };
  const accepted = createAccepted(jobId, [SCENE], created);
  await service.store.create(buildJobSpec(jobId, request, "tester", service.config, created), accepted);
  if (state === "running") {
    await service.store.writeStatus(markRunning(accepted, new Date(Date.now() - updatedAgoMs)));
  }
  if (worker !== undefined) await service.store.writeWorkerRecord(jobId, worker);
  return jobId;
}

type LocalRecord = Extract<WorkerRecord, { executor: "local" }>;

/** A live process in a group of its own, standing in for a worker started by the previous API process. */
function liveWorker(): LocalRecord {
  const child = spawn("sleep", ["120"], { detached: true, stdio: "ignore" });
  strays.push(child);
  return { executor: "local", pid: child.pid!, host: os.hostname(), startedAt: new Date().toISOString() };
}

async function deadWorker(): Promise<LocalRecord> {
  const child = spawn("true", { detached: true, stdio: "ignore" });
  await once(child, "exit");
  return { executor: "local", pid: child.pid!, host: os.hostname(), startedAt: new Date().toISOString() };
}

describe("JobService after a restart", () => {
  it("queues accepted jobs again, in their original order, and starts them", async () => {
    const first = await leftBehind("accepted");
    const second = await leftBehind("accepted");
    await service.jobs.start();
    for (const jobId of [first, second]) {
      await waitFor(
        () =>
          fs.access(path.join(sandbox.workingDir, jobId, "worker.json")).then(
            () => true,
            () => false,
          ),
        "worker",
      );
    }
    expect(service.jobs.runningCount).toBe(2);
  });

  it("fails a running job whose worker has exited, with the reason, and cleans its staging", async () => {
    const jobId = await leftBehind("running", 0, await deadWorker());
    await fs.mkdir(path.join(sandbox.workingDir, jobId, "imagery", "scene"), { recursive: true });
    await service.jobs.start();
    const doc = await service.store.readStatus(jobId);
    expect(doc.status).toBe("failed");
    expect(doc.message).toMatch(/worker is gone \(pid \d+ on .* has exited\)/);
    await expect(fs.access(path.join(sandbox.workingDir, jobId, "imagery"))).rejects.toThrow();
    expect(await service.store.readLog(jobId)).toMatch(
      /Exception occurred, preprocessing failed\nworker is gone/,
    );
  });

  it("fails a running job that has no record of any worker", async () => {
    const jobId = await leftBehind("running");
    await service.jobs.start();
    expect((await service.store.readStatus(jobId)).message).toMatch(/no record of its process/);
  });

  it("adopts a live worker with a fresh heartbeat, then notices when it dies", async () => {
    const worker = liveWorker();
    const jobId = await leftBehind("running", 0, worker);
    await service.jobs.start();
    expect((await service.store.readStatus(jobId)).status).toBe("running");
    expect(service.jobs.runningCount).toBe(1);

    process.kill(worker.pid, "SIGKILL");
    const doc = await waitFor(async () => {
      const d = await service.store.readStatus(jobId);
      return d.status === "failed" ? d : undefined;
    }, "the dead worker to be noticed");
    expect(doc.message).toMatch(/worker is gone/);
    expect(service.jobs.runningCount).toBe(0);
  });

  it("stops and fails a live worker whose heartbeat is stale", async () => {
    const worker = liveWorker();
    const jobId = await leftBehind("running", 45_000, worker);
    await service.jobs.start();
    const doc = await service.store.readStatus(jobId);
    expect(doc.status).toBe("failed");
    expect(doc.message).toMatch(/no heartbeat for 4\d s/);
    await waitFor(() => !isAlive(worker.pid), "the stale worker to be killed");
  });

  it("stops a worker that runs past JOB_TIMEOUT and fails its job with the reason", async () => {
    service.jobs.stop();
    await sandbox.remove();
    sandbox = await createSandbox({ scenes: [], configLines: ["JOB_TIMEOUT: 1"] });
    service = createTestService(sandbox, { worker: "forever" });
    await service.jobs.start();
    const { status } = await service.jobs.submit(
      { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false },
      { owner: "tester" },
    );
    const pid = await waitFor(
      () => service.store.readWorkerRecord(status.jobID).then(localPid),
      "the worker to start",
    );
    const doc = await waitFor(async () => {
      const d = await service.store.readStatus(status.jobID);
      return d.status === "failed" ? d : undefined;
    }, "the job to time out");
    expect(doc.message).toBe("job exceeded JOB_TIMEOUT (1 s) and was stopped");
    expect(isAlive(pid)).toBe(false);
  });

  it("leaves finished jobs alone", async () => {
    const jobId = await leftBehind("accepted");
    await service.jobs.start();
    await service.jobs.cancel(jobId);
    const again = createTestService(sandbox, { worker: "forever" });
    await again.jobs.start();
    again.jobs.stop();
    expect((await again.store.readStatus(jobId)).status).toBe("dismissed");
    expect(again.jobs.queuedCount + again.jobs.runningCount).toBe(0);
  });
});
