import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { StatusDocument } from "../../../src/jobs/status-document.js";
import type { TaskDocument } from "../../../src/jobs/task-document.js";
import { isAlive, localPid, waitFor } from "../../helpers/alive.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";

// A job's scenes as tasks, each in a worker process of its own (the local executor), through the job service:
// at most MAX_PARALLEL_SCENES at once, a worker that dies before its task ends run again (SCENE_RETRIES), a
// task that ends failed on its data never. The fixture worker (test/fixtures/workers/task.mjs) does the
// bookkeeping of a task and no pixels, as fixture-task.json tells it.

const SCENES = [
  "LC08_L1TP_015028_20200814_20200822_01_T1",
  "LC08_L1TP_015028_20200830_20200906_01_T1",
  "LC08_L1TP_015028_20200915_20200920_01_T1",
  "LC08_L1TP_015028_20201001_20201007_01_T1",
  "LC08_L1TP_015028_20201017_20201024_01_T1",
];

let sandbox: Sandbox;
let service: TestService;

afterEach(async () => {
  await tearDownService(service, sandbox);
});

async function setUp(fixture: object, configLines: string[] = []): Promise<void> {
  sandbox = await createSandbox({ scenes: [], configLines });
  await fs.writeFile(path.join(sandbox.root, "fixture-task.json"), JSON.stringify(fixture));
  service = createTestService(sandbox, { worker: "task" });
  await service.jobs.start();
}

async function run(scenes: readonly string[], cores = 2): Promise<StatusDocument> {
  const { status } = await service.jobs.submit(
    { imagery_list: [...scenes], resolution: 30, cores, delete_intermediate: false },
    { owner: "tester" },
  );
  return waitFor(async () => {
    const doc = await service.store.readStatus(status.jobID);
    return doc.status === "successful" || doc.status === "failed" ? doc : undefined;
  }, "the job to end");
}

async function tasksOf(doc: StatusDocument): Promise<TaskDocument[]> {
  const tasks = await Promise.all(doc.scenes.map((_, i) => service.store.readTask(doc.jobID, i)));
  return tasks.map((t) => t!);
}

/** The most tasks that ran at once, from their documents' start and end times. */
function mostAtOnce(tasks: readonly TaskDocument[]): number {
  const events = tasks.flatMap((t) => [
    { at: Date.parse(t.started), step: 1 },
    { at: Date.parse(t.finished!), step: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const event of events) most = Math.max(most, (now += event.step));
  return most;
}

describe("a job's tasks on the local executor", () => {
  it("runs at most MAX_PARALLEL_SCENES workers at once, each with its share of the job's cores", async () => {
    await setUp({ ms: 400 }, ["MAX_PARALLEL_SCENES: 2"]);
    const doc = await run(SCENES, 4);
    expect(doc).toMatchObject({ status: "successful", message: "Processed 5 scene(s)", progress: 100 });
    const tasks = await tasksOf(doc);
    expect(mostAtOnce(tasks)).toBe(2);
    // Two workers share the 4 cores: 2 GDAL threads each.
    expect(doc.scenes.map((s) => s.message)).toEqual(SCENES.map(() => "Preprocessed with 2 thread(s)"));
    const runs = await Promise.all(SCENES.map((_, i) => service.store.readTaskRuns(doc.jobID, i)));
    expect(runs.map((r) => r?.attempts.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it("never runs more workers than the job has cores, locally", async () => {
    await setUp({ ms: 300 }, ["MAX_PARALLEL_SCENES: 4"]);
    const doc = await run(SCENES.slice(0, 4), 1);
    expect(doc.status).toBe("successful");
    expect(mostAtOnce(await tasksOf(doc))).toBe(1);
  });

  it("runs again the task whose worker died, says why in the log, and finishes the job", async () => {
    await setUp({ ms: 200, die: ["1:1"] });
    const doc = await run(SCENES.slice(0, 3));
    expect(doc).toMatchObject({ status: "successful", message: "Processed 3 scene(s)" });
    const runs = await service.store.readTaskRuns(doc.jobID, 1);
    expect(runs?.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(runs?.attempts[0]?.ended).toMatchObject({
      retried: true,
      reason: expect.stringMatching(/SIGKILL/),
    });
    const log = await service.jobs.readLog(doc.jobID);
    expect(log).toMatch(new RegExp(`Image: ${SCENES[1]} RETRIED: attempt 1 ended: signal SIGKILL`));
    expect(log.match(new RegExp(`Image: ${SCENES[1]} PREPROCESSED`, "g"))).toHaveLength(1);
  });

  it("does not run again a task that failed on its data; the job fails as one scene failed", async () => {
    await setUp({ ms: 100, fail: [2] });
    const doc = await run(SCENES.slice(0, 3));
    expect(doc).toMatchObject({ status: "failed", message: `1 of 3 scene(s) failed: ${SCENES[2]}` });
    expect((await service.store.readTaskRuns(doc.jobID, 2))?.attempts).toHaveLength(1);
    expect(doc.scenes.map((s) => s.status)).toEqual(["successful", "successful", "failed"]);
  });

  it("gives a task up after SCENE_RETRIES, with the reason in its message and the log", async () => {
    await setUp({ ms: 100, die: ["0:1", "0:2"] }, ["SCENE_RETRIES: 1"]);
    const doc = await run(SCENES.slice(0, 2));
    expect(doc).toMatchObject({ status: "failed", message: `1 of 2 scene(s) failed: ${SCENES[0]}` });
    expect(doc.scenes[0]?.message).toBe(
      "Worker stopped before finishing: signal SIGKILL; see 0.2.worker.stderr.log",
    );
    const log = await service.jobs.readLog(doc.jobID);
    expect(log).toContain(`Image: ${SCENES[0]} RETRIED: attempt 1 ended: signal SIGKILL`);
    expect(log).toContain(`Image: ${SCENES[0]} FAILED: worker stopped before finishing (signal SIGKILL`);
  });

  it("cancels a job mid-run: every worker is stopped before cancel returns, and no more start", async () => {
    await setUp({ ms: 60_000 }, ["MAX_PARALLEL_SCENES: 2"]);
    const { status } = await service.jobs.submit(
      { imagery_list: SCENES, resolution: 30, cores: 2, delete_intermediate: false },
      { owner: "tester" },
    );
    const pids = await waitFor(async () => {
      const runs = await Promise.all([0, 1].map((i) => service.store.readTaskRuns(status.jobID, i)));
      const found = runs.map((r) => localPid(r?.attempts[0]?.worker));
      const pids = found.filter((p) => p !== undefined);
      return pids.length === 2 ? pids : undefined;
    }, "two workers");
    const dismissed = await service.jobs.cancel(status.jobID);
    expect(dismissed.status).toBe("dismissed");
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await service.store.readTaskRuns(status.jobID, 2)).toBeUndefined();
    expect(service.jobs.runningCount).toBe(0);
  });
});
