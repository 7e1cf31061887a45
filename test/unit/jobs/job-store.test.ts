import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import { CorruptJobError, JobNotFoundError, JobStore } from "../../../src/jobs/job-store.js";
import { createAccepted, markFailed, markRunning } from "../../../src/jobs/transitions.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { REPO } from "../../helpers/paths.js";

const config = loadConfig(path.join(REPO, "test", "fixtures", "config", "seed-config.yaml"), {});
const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
let dir: string;
let store: JobStore;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-store-"));
  store = new JobStore(dir);
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const request = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };

async function createJob(now = new Date()): Promise<string> {
  const jobId = uuidv7({ msecs: now.getTime() });
  await store.create(
    buildJobSpec(jobId, request, "tester", config, now),
    createAccepted(jobId, [SCENE], now),
  );
  return jobId;
}

describe("JobStore", () => {
  it("creates a job directory with job.json, status.json and an empty job_log.txt, and nothing else", async () => {
    const jobId = await createJob();
    expect((await fs.readdir(dir)).sort()).toEqual([jobId]);
    expect((await fs.readdir(path.join(dir, jobId))).sort()).toEqual([
      "job.json",
      "job_log.txt",
      "status.json",
    ]);
    expect(await store.readSpec(jobId)).toMatchObject({ jobId, request: { imagery_list: [SCENE] } });
    expect(await store.readStatus(jobId)).toMatchObject({ jobID: jobId, status: "accepted" });
    expect(await store.readLog(jobId)).toBe("");
  });

  it("leaves nothing behind when a job cannot be created", async () => {
    const jobId = uuidv7();
    const status = createAccepted(jobId, [SCENE], new Date());
    await fs.mkdir(path.join(dir, `.${jobId}.creating`));
    await expect(
      store.create(buildJobSpec(jobId, request, "tester", config, new Date()), status),
    ).rejects.toThrow(/EEXIST/);
    await expect(store.readStatus(jobId)).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it("replaces status.json atomically, leaving no temporary files", async () => {
    const jobId = await createJob();
    const running = markRunning(await store.readStatus(jobId), new Date());
    await Promise.all(Array.from({ length: 20 }, () => store.writeStatus(running)));
    expect(await store.readStatus(jobId)).toEqual(running);
    expect((await fs.readdir(path.join(dir, jobId))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("appends log lines in order", async () => {
    const jobId = await createJob();
    await store.appendLog(jobId, ["Job id: x", "Cores: 2"]);
    await store.appendLog(jobId, ["Preprocessing started"]);
    expect(await store.readLog(jobId)).toBe("Job id: x\nCores: 2\nPreprocessing started\n");
  });

  it.each(["nope", "../etc", "..", "", "01a2109b-646a-7495-9dde-b4be9f8fb147/../x"])(
    "treats %j as an unknown job without touching the disk outside WORKING_DIR",
    async (jobId) => {
      await expect(store.readStatus(jobId)).rejects.toBeInstanceOf(JobNotFoundError);
      await expect(store.readLog(jobId)).rejects.toBeInstanceOf(JobNotFoundError);
    },
  );

  it("reports an unknown job id as not found", async () => {
    await expect(store.readStatus(uuidv7())).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it("reports a damaged status.json as corrupt, and does not list it", async () => {
    const good = await createJob(new Date(1_000));
    const bad = await createJob(new Date(2_000));
    await fs.writeFile(path.join(dir, bad, "status.json"), "{ half");
    await expect(store.readStatus(bad)).rejects.toBeInstanceOf(CorruptJobError);
    expect((await store.list({ limit: 10 })).jobs.map((j) => j.jobID)).toEqual([good]);
  });

  it("lists newest first, page by page, with a status filter", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await createJob(new Date(1_000_000 + i * 1000)));
    const newestFirst = [...ids].reverse();
    for (const id of [ids[1]!, ids[4]!]) {
      await store.writeStatus(markFailed(await store.readStatus(id), "boom", new Date()));
    }
    const first = await store.list({ limit: 3 });
    expect(first.jobs.map((j) => j.jobID)).toEqual(newestFirst.slice(0, 3));
    const second = await store.list({ limit: 3, after: first.next });
    expect(second.jobs.map((j) => j.jobID)).toEqual(newestFirst.slice(3, 6));
    const third = await store.list({ limit: 3, after: second.next });
    expect(third.jobs.map((j) => j.jobID)).toEqual(newestFirst.slice(6));
    expect(third.next).toBeUndefined();
    const failed = await store.list({ limit: 10, status: "failed" });
    expect(failed.jobs.map((j) => j.jobID)).toEqual([ids[4], ids[1]]);
  });

  it("skips hidden and half-created directories when listing", async () => {
    const jobId = await createJob();
    await fs.mkdir(path.join(dir, `.${uuidv7()}.creating`));
    await fs.mkdir(path.join(dir, "lost+found"));
    expect(await store.listIds()).toEqual([jobId]);
  });
});
