import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import { JobStore } from "../../../src/jobs/job-store.js";
import { publishStagingDir } from "../../../src/jobs/publish-paths.js";
import { FAILURE_LINE, recordFailure } from "../../../src/jobs/record-failure.js";
import { createAccepted, markFailed, markRunning } from "../../../src/jobs/transitions.js";
import { REPO } from "../../helpers/paths.js";

// The one account of a job that failed as a whole, whether the worker or the API writes it.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
const REQUEST = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };
let dir: string;
let store: JobStore;
let jobId: string;
let partial: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-failure-"));
  const seed = loadConfig(path.join(REPO, "test", "fixtures", "config", "seed-config.yaml"), {});
  const config = { ...seed, imageryStorage: path.join(dir, "storage") };
  store = new JobStore(path.join(dir, "work"));
  jobId = uuidv7();
  const now = new Date();
  await store.create(
    buildJobSpec(jobId, REQUEST, "tester", config, now),
    createAccepted(jobId, [SCENE], now),
  );
  await fs.mkdir(path.join(store.layout(jobId).imagery, SCENE), { recursive: true });
  partial = publishStagingDir(path.join(config.imageryStorage, "agricarta", "preprocessing", jobId));
  await fs.mkdir(partial, { recursive: true });
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

describe("recordFailure", () => {
  it("writes the failure line and the reason, and removes staged imagery and a half-assembled publication", async () => {
    await store.appendLog(jobId, ["Image: X FOUND"]);
    await recordFailure(store, jobId, "worker is gone");
    expect(FAILURE_LINE).toBe("Exception occurred, preprocessing failed");
    expect(await store.readLog(jobId)).toBe(`Image: X FOUND\n${FAILURE_LINE}\nworker is gone\n`);
    await expect(fs.access(store.layout(jobId).imagery)).rejects.toThrow();
    await expect(fs.access(partial)).rejects.toThrow();
  });

  it("writes a running job's log so far, assembled from its tasks, and says the failure once when recorded again", async () => {
    const at = new Date().toISOString();
    await store.writeStatus(markRunning(await store.readStatus(jobId), new Date()));
    await store.writeTask(jobId, {
      index: 0,
      attempt: 1,
      status: "running",
      message: "Preprocessing",
      outputs: [],
      percent: 40,
      started: at,
      updated: at,
      log: { staging: [`Image: ${SCENE} FOUND`, `Image: ${SCENE} COPIED`], processing: [] },
    });
    await recordFailure(store, jobId, "timed out");
    await recordFailure(store, jobId, "timed out");
    const lines = (await fs.readFile(store.layout(jobId).log, "utf8")).split("\n");
    expect(lines[1]).toBe(`Job id: ${jobId}`);
    expect(lines.slice(7)).toEqual([
      `Image: ${SCENE} FOUND`,
      `Image: ${SCENE} COPIED`,
      "Preprocessing started",
      FAILURE_LINE,
      "timed out",
      "",
    ]);
    // Readers of the job get the file once the status says failed (until then, the log so far).
    await store.writeStatus(markFailed(await store.readStatus(jobId), "timed out", new Date()));
    expect(await store.readLog(jobId)).toBe(lines.join("\n"));
  });

  it("still removes the staging when the log cannot be written, then says why", async () => {
    await fs.rm(store.layout(jobId).log);
    await fs.mkdir(store.layout(jobId).log); // appending to a directory fails
    await expect(recordFailure(store, jobId, "disk full")).rejects.toThrow();
    await expect(fs.access(store.layout(jobId).imagery)).rejects.toThrow();
  });
});
