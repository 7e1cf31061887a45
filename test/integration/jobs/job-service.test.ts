import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import type { WorkerRecord } from "../../../src/executors/worker-record.js";
import type { TaskRuns } from "../../../src/jobs/task-document.js";
import { createAccepted, markRunning } from "../../../src/jobs/transitions.js";
import { isAlive, localPid, waitFor } from "../../helpers/alive.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, type TestService } from "../../helpers/service.js";

// What the API finds on disk when it starts leading (a restart, a new leader), and how it watches task workers
// it did not start itself: their attempts are read from tasks/<i>.runs.json and their heartbeats from
// tasks/<i>.json.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
let sandbox: Sandbox;
let service: TestService;
const strays: ChildProcess[] = [];

async function setUp(configLines: string[] = []): Promise<void> {
  sandbox = await createSandbox({ scenes: [], configLines: ["HEARTBEAT_TIMEOUT: 30", ...configLines] });
  service = createTestService(sandbox, { worker: "forever" });
}

beforeEach(() => setUp());

afterEach(async () => {
  service.jobs.stop();
  for (const { jobID, status } of (await service.jobs.list({ limit: 100 })).jobs) {
    if (status === "accepted" || status === "running")
      await service.jobs.cancel(jobID).catch(() => undefined);
  }
  for (const child of strays.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await sandbox.remove();
});

/** A job as an earlier API process left it: accepted, or running with its first task's worker if given. */
async function leftBehind(
  state: "accepted" | "running",
  worker?: { record: WorkerRecord; heardAgoMs?: number },
): Promise<string> {
  const created = new Date(Date.now() - 60_000);
  const jobId = uuidv7({ msecs: created.getTime() });
  const request = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };
  const accepted = createAccepted(jobId, [SCENE], created);
  await service.store.create(buildJobSpec(jobId, request, "tester", service.config, created), accepted);
  if (state === "running") await service.store.writeStatus(markRunning(accepted, created));
  if (worker !== undefined) {
    await service.store.writeTaskRuns(jobId, { index: 0, attempts: [{ attempt: 1, worker: worker.record }] });
    if (worker.heardAgoMs !== undefined) {
      const heard = new Date(Date.now() - worker.heardAgoMs).toISOString();
      await service.store.writeTask(jobId, {
        index: 0,
        attempt: 1,
        status: "running",
        message: "Preprocessing",
        outputs: [],
        percent: 10,
        started: created.toISOString(),
        updated: heard,
        log: { staging: [`Image: ${SCENE} FOUND`], processing: [] },
      });
    }
  }
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

/** The task's attempts once there are `count` of them. */
function attempts(jobId: string, count: number): Promise<TaskRuns> {
  return waitFor(async () => {
    const runs = await service.store.readTaskRuns(jobId, 0);
    return runs !== undefined && runs.attempts.length >= count ? runs : undefined;
  }, `attempt ${count} of the task`);
}

describe("JobService when it starts leading", () => {
  it("queues accepted jobs again, in their original order, and starts their tasks", async () => {
    const first = await leftBehind("accepted");
    const second = await leftBehind("accepted");
    await service.jobs.start();
    for (const jobId of [first, second]) await attempts(jobId, 1);
    expect(service.jobs.runningCount).toBe(2);
  });

  it("runs again a task whose worker exited while no API watched, saying why", async () => {
    const jobId = await leftBehind("running", { record: await deadWorker() });
    await service.jobs.start();
    const runs = await attempts(jobId, 2);
    expect(runs.attempts[0]?.ended).toMatchObject({ retried: true });
    expect(runs.attempts[0]?.ended?.reason).toMatch(/^worker is gone \(pid \d+ on .* has exited\)$/);
    expect((await service.store.readStatus(jobId)).status).toBe("running");
    expect(await service.jobs.readLog(jobId)).toMatch(
      new RegExp(`Image: ${SCENE} RETRIED: attempt 1 ended: worker is gone`),
    );
  });

  it("with no retries left fails the task, not the service: the job ends failed with the reason", async () => {
    service.jobs.stop();
    await sandbox.remove();
    await setUp(["SCENE_RETRIES: 0"]);
    const jobId = await leftBehind("running", { record: await deadWorker(), heardAgoMs: 1_000 });
    await fs.mkdir(path.join(sandbox.workingDir, jobId, "imagery", SCENE), { recursive: true });
    await service.jobs.start();
    const doc = await waitFor(async () => {
      const d = await service.store.readStatus(jobId);
      return d.status === "failed" ? d : undefined;
    }, "the job to fail");
    expect(doc.message).toBe(`1 of 1 scene(s) failed: ${SCENE}`);
    expect(doc.scenes[0]?.message).toMatch(/^Worker stopped before finishing: worker is gone/);
    await expect(fs.access(path.join(sandbox.workingDir, jobId, "imagery"))).rejects.toThrow();
    expect(await service.store.readLog(jobId)).toMatch(
      new RegExp(
        `Image: ${SCENE} FOUND\\n[^]*Image: ${SCENE} FAILED: worker stopped before finishing \\(worker is gone`,
      ),
    );
  });

  it("starts the tasks of a running job that has none started yet", async () => {
    const jobId = await leftBehind("running");
    await service.jobs.start();
    await attempts(jobId, 1);
    expect(service.jobs.runningCount).toBe(1);
  });

  it("adopts a live worker with a fresh heartbeat, then notices when it dies and runs its task again", async () => {
    const worker = liveWorker();
    const jobId = await leftBehind("running", { record: worker, heardAgoMs: 0 });
    await service.jobs.start();
    expect((await service.store.readStatus(jobId)).status).toBe("running");
    expect(service.jobs.runningCount).toBe(1);
    expect((await service.store.readTaskRuns(jobId, 0))?.attempts).toHaveLength(1);

    process.kill(worker.pid, "SIGKILL");
    const runs = await attempts(jobId, 2);
    expect(runs.attempts[0]?.ended?.reason).toMatch(/worker is gone/);
  });

  it("stops a live worker whose heartbeat is stale, and runs its task again", async () => {
    const worker = liveWorker();
    const jobId = await leftBehind("running", { record: worker, heardAgoMs: 45_000 });
    await service.jobs.start();
    const runs = await attempts(jobId, 2);
    expect(runs.attempts[0]?.ended?.reason).toMatch(/no heartbeat for 4\d s/);
    await waitFor(() => !isAlive(worker.pid), "the stale worker to be killed");
  });

  it("stops a worker that runs past JOB_TIMEOUT; after its retry the scene fails with the reason", async () => {
    service.jobs.stop();
    await sandbox.remove();
    await setUp(["JOB_TIMEOUT: 1"]);
    await service.jobs.start();
    const { status } = await service.jobs.submit(
      { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false },
      { owner: "tester" },
    );
    const first = await attempts(status.jobID, 1);
    const pid = localPid(first.attempts[0]?.worker);
    const doc = await waitFor(
      async () => {
        const d = await service.store.readStatus(status.jobID);
        return d.status === "failed" ? d : undefined;
      },
      "the job to time out",
      30_000,
    );
    expect(doc.scenes[0]?.message).toBe(
      "Worker stopped before finishing: worker exceeded JOB_TIMEOUT (1 s) and was stopped",
    );
    const runs = await service.store.readTaskRuns(status.jobID, 0);
    expect(runs?.attempts.map((a) => a.ended?.retried)).toEqual([true, false]);
    expect(isAlive(pid!)).toBe(false);
  });

  it("fails a job a worker of an older version ran (worker.json), saying to submit it again", async () => {
    const jobId = await leftBehind("running");
    await service.store.writeWorkerRecord(jobId, liveWorker());
    await service.jobs.start();
    const doc = await service.store.readStatus(jobId);
    expect(doc).toMatchObject({ status: "failed" });
    expect(doc.message).toMatch(/upgraded while this job ran; submit it again/);
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
