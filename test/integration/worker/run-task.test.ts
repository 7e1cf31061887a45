import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import type { Config } from "../../../src/config/config.js";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import { finishJob, JobNotFinishableError } from "../../../src/jobs/finish-job.js";
import type { JobRequest } from "../../../src/jobs/job-spec.js";
import { JobStore } from "../../../src/jobs/job-store.js";
import { createAccepted, markRunning } from "../../../src/jobs/transitions.js";
import { createLogger } from "../../../src/logging/create-logger.js";
import { runJob } from "../../../src/worker/run-job.js";
import { runTask } from "../../../src/worker/run-task.js";
import { BUILT_WORKER, SCENES } from "../../helpers/paths.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";

// One task of a job per worker, as the API runs them: a scene's data failure is the task's recorded outcome, a
// retry after a dead attempt starts clean, tasks of one job run side by side in worker processes, and the API
// finishes the job once (again, after a crash) from what the tasks left.

let sandbox: Sandbox;
let config: Config;
let store: JobStore;
const logger = createLogger({ name: "test-worker", consoleLevel: "fatal" });
const TWO = [SCENES.l2.id, SCENES.south.id];

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [SCENES.l2, SCENES.l1, SCENES.south] });
  config = loadConfig(sandbox.configPath, {});
  store = new JobStore(config.workingDir);
});
afterAll(() => sandbox.remove());

/** A job as the API leaves it before its first worker starts: accepted, then (unless told) marked running. */
async function createJob(imagery_list: string[], options: { running?: boolean } = {}): Promise<string> {
  const jobId = uuidv7();
  const now = new Date();
  const request: JobRequest = { imagery_list, resolution: 600, cores: 2, delete_intermediate: false };
  const accepted = createAccepted(jobId, imagery_list, now);
  await store.create(buildJobSpec(jobId, request, "tester", config, now), accepted);
  if (options.running !== false) await store.writeStatus(markRunning(accepted, now));
  return jobId;
}

const attempt = (jobId: string, index: number, n = 1) =>
  runTask(store.jobDir(jobId), index, { attempt: n, threads: 2, logger });

/** Every file under a folder, by relative path, with its SHA-256. */
async function hashes(
  dir: string,
  only: (file: string) => boolean = () => true,
): Promise<Record<string, string>> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const out: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, file);
    if (only(rel))
      out[rel] = createHash("sha256")
        .update(await fs.readFile(file))
        .digest("hex");
  }
  return out;
}

const published = (jobId: string) => path.join(sandbox.storage, "agricarta", "preprocessing", jobId);
const isRaster = (file: string) => file.endsWith(".tif");

/** The same request through the in-process runner, one task after the other: the reference outputs. */
let reference: Record<string, string>;
beforeAll(async () => {
  const jobId = await createJob(TWO, { running: false });
  expect(await runJob(store.jobDir(jobId), { logger })).toBe("finished");
  reference = await hashes(published(jobId), isRaster);
  expect(Object.keys(reference)).toHaveLength(6);
}, 120_000);

describe("runTask", () => {
  it("records a scene that fails on its data as the task's outcome, and resolves", async () => {
    const sceneDir = path.join(sandbox.storage, "l8-l2a-products/tiles/016/037", SCENES.l1.id);
    const band3 = path.join(sceneDir, `${SCENES.l1.id}_B3.TIF`);
    const original = await fs.readFile(band3);
    // Cut the band to a third: its header is intact, its tiles are not.
    await fs.writeFile(band3, original.subarray(0, Math.floor(original.length / 3)));
    try {
      const jobId = await createJob([SCENES.missing.id, SCENES.l1.id]);
      expect(await attempt(jobId, 0)).toBe("failed");
      expect(await attempt(jobId, 1)).toBe("failed");
      const missing = await store.readTask(jobId, 0);
      expect(missing).toMatchObject({
        index: 0,
        attempt: 1,
        status: "failed",
        percent: 100,
        outputs: [],
        message: `Not found in imagery storage at l8-l2a-products/tiles/015/028/${SCENES.missing.id}`,
        log: { staging: [`Image: ${SCENES.missing.id} NOT FOUND`], processing: [] },
      });
      const corrupt = await store.readTask(jobId, 1);
      expect(corrupt).toMatchObject({ status: "failed", outputs: [] });
      expect(corrupt!.message).toMatch(new RegExp(`^Preprocessing failed: .*${SCENES.l1.id}_B3\\.TIF`));
      expect(corrupt!.message).not.toContain(sandbox.root);
      expect(corrupt!.log).toEqual({
        staging: [`Image: ${SCENES.l1.id} FOUND`, `Image: ${SCENES.l1.id} COPIED`],
        processing: [expect.stringMatching(new RegExp(`^Image: ${SCENES.l1.id} FAILED: `))],
      });
      expect(corrupt!.seconds).toBeUndefined();
      // Nothing of the failed scene stays to be published.
      await expect(fs.access(path.join(store.layout(jobId).preprocess, SCENES.l1.id))).rejects.toThrow();
      // The job's status, as readers get it, is put together from the tasks.
      const status = await store.readStatus(jobId);
      expect(status).toMatchObject({ status: "running", progress: 100 });
      expect(status.scenes.map((s) => s.status)).toEqual(["failed", "failed"]);
    } finally {
      await fs.writeFile(band3, original);
    }
  }, 60_000);

  it("does nothing for a job that is not running", async () => {
    const jobId = await createJob([SCENES.south.id], { running: false });
    expect(await attempt(jobId, 0)).toBe("not-running");
    expect(await store.readTask(jobId, 0)).toBeUndefined();
    await expect(fs.access(store.layout(jobId).tasks)).rejects.toThrow();
  });

  it("starts a retry clean after an attempt that died half-way, and makes the same outputs", async () => {
    const jobId = await createJob(TWO);
    const layout = store.layout(jobId);
    const scene = SCENES.l2.id;
    // What a worker killed in the middle of the scene leaves: a running document, half-made files everywhere.
    const started = new Date(Date.now() - 60_000).toISOString();
    await store.writeTask(jobId, {
      index: 0,
      attempt: 1,
      status: "running",
      message: "Preprocessing",
      outputs: [],
      percent: 60,
      started,
      updated: started,
      log: { staging: [`Image: ${scene} FOUND`, `Image: ${scene} COPIED`], processing: [] },
    });
    await store.writeTaskRuns(jobId, {
      index: 0,
      attempts: [
        {
          attempt: 1,
          worker: { executor: "local", pid: 99999, host: "h", startedAt: started },
          ended: { at: started, reason: "OOMKilled", retried: true },
        },
      ],
    });
    const leftovers = [
      path.join(layout.preprocess, scene, `${scene}_B9_dn.tif`),
      path.join(layout.preprocess, scene, `${scene}_B2_dn.tif`),
      path.join(layout.metadata, `${scene}.json`),
      path.join(layout.scratch, scene, "half.tif"),
      path.join(layout.imagery, scene, "half-copied.TIF"),
      path.join(layout.imagery, `${scene}.tar.gz.partial`),
    ];
    for (const file of leftovers) {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, "left by attempt 1");
    }
    expect((await store.readStatus(jobId)).scenes[0]).toMatchObject({
      status: "pending",
      message: "Retrying after: OOMKilled",
    });

    expect(await attempt(jobId, 0, 2)).toBe("successful");
    const task = await store.readTask(jobId, 0);
    expect(task).toMatchObject({ attempt: 2, status: "successful", percent: 100 });
    // Its own staging lines, once, not the dead attempt's as well.
    expect(task!.log).toEqual({
      staging: [`Image: ${scene} FOUND`, `Image: ${scene} COPIED`],
      processing: [`Image: ${scene} PREPROCESSED`],
    });
    expect(task!.seconds).toBeGreaterThan(0);
    await expect(fs.access(leftovers[0]!)).rejects.toThrow();
    await expect(fs.access(path.join(layout.scratch, scene))).rejects.toThrow();
    await expect(fs.access(leftovers[5]!)).rejects.toThrow();
    expect((await fs.readdir(path.join(layout.imagery, scene))).sort()).not.toContain("half-copied.TIF");
    const made = await hashes(path.join(layout.output), isRaster);
    const expected = Object.fromEntries(Object.entries(reference).filter(([file]) => file.includes(scene)));
    expect(Object.fromEntries(Object.entries(made).map(([f, h]) => [`output/${f}`, h]))).toEqual(expected);
    expect(await store.readLog(jobId)).toContain(
      `Preprocessing started\nImage: ${scene} RETRIED: attempt 1 ended: OOMKilled\nImage: ${scene} PREPROCESSED\n`,
    );
  }, 60_000);
});

describe("a job run as tasks in worker processes", () => {
  let jobId: string;
  beforeAll(async () => {
    await fs.access(BUILT_WORKER); // npm run build first
    jobId = await createJob(TWO);
    // Both tasks at once, each in a worker of its own, as the local executor starts them.
    const workers = TWO.map((_, index) =>
      execa(
        "node",
        [BUILT_WORKER, store.jobDir(jobId), "--task", String(index), "--attempt", "1", "--threads", "1"],
        {
          reject: false,
        },
      ),
    );
    for (const worker of await Promise.all(workers)) expect(worker.exitCode, worker.stderr).toBe(0);
  }, 120_000);

  it("refuses to finish a job one of whose tasks has not ended", async () => {
    const other = await createJob(TWO);
    await store.writeTask(other, { ...(await store.readTask(jobId, 0))!, status: "running" });
    await expect(finishJob(store, other, { now: () => new Date(), logger })).rejects.toBeInstanceOf(
      JobNotFinishableError,
    );
    expect((await store.readRawStatus(other)).status).toBe("running");
  });

  it("is finished once: published with the same rasters as the in-process run, and again after a crash", async () => {
    const now = () => new Date("2026-06-01T00:00:00.000Z");
    const running = await store.readRawStatus(jobId);
    const first = await finishJob(store, jobId, { now, logger });
    expect(first).toMatchObject({
      status: "successful",
      progress: 100,
      outputDir: `agricarta/preprocessing/${jobId}`,
    });
    expect(first.scenes.map((s) => s.status)).toEqual(["successful", "successful"]);
    expect(await hashes(published(jobId), isRaster)).toEqual(reference);
    const everything = await hashes(published(jobId));
    const log = await store.readLog(jobId);
    expect(log).toBe(await fs.readFile(path.join(published(jobId), "job_log.txt"), "utf8"));
    expect(log.split("\n").slice(7)).toEqual([
      `Image: ${TWO[0]} FOUND`,
      `Image: ${TWO[0]} COPIED`,
      `Image: ${TWO[1]} FOUND`,
      `Image: ${TWO[1]} COPIED`,
      "Preprocessing started",
      `Image: ${TWO[0]} PREPROCESSED`,
      `Image: ${TWO[1]} PREPROCESSED`,
      "Preprocessing finished",
      "",
    ]);
    const figures = await store.readFigures(jobId);
    expect(Object.keys(figures!.sceneSeconds)).toEqual(TWO);
    expect(figures!.bytesWritten).toBeGreaterThan(0);

    // An API that stopped before writing the final status: its successor finishes the job again.
    await store.writeStatus(running);
    const again = await new JobStore(config.workingDir).readRawStatus(jobId);
    expect(again.status).toBe("running");
    const second = await finishJob(new JobStore(config.workingDir), jobId, { now, logger });
    expect(second).toEqual(first);
    expect(await hashes(published(jobId))).toEqual(everything);
    expect(await new JobStore(config.workingDir).readLog(jobId)).toBe(log);
    expect(await store.readFigures(jobId)).toEqual(figures);
    const siblings = await fs.readdir(path.dirname(published(jobId)));
    expect(siblings.filter((n) => n.includes(jobId))).toEqual([jobId]);
  });
});
