import fs from "node:fs/promises";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { afterEach, describe, expect, it } from "vitest";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import { createAccepted, markFinished, markRunning } from "../../../src/jobs/transitions.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";

// RESULTS_RETENTION: the retention sweep also removes published results past it, never those of a job that is
// still running; off by default.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
const REQUEST = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };
const MINUTES_AGO = (n: number) => new Date(Date.now() - n * 60_000);

let sandbox: Sandbox;
let service: TestService;

afterEach(() => tearDownService(service, sandbox));

async function setUp(configLines: string[]): Promise<void> {
  sandbox = await createSandbox({ scenes: [], configLines });
  service = createTestService(sandbox, { worker: "forever" });
}

const publishedDir = (jobId: string) => path.join(sandbox.storage, "agricarta", "preprocessing", jobId);

/** A job in the store, finished (or still running) at a given time, with published results. */
async function job(state: "finished" | "running", at: Date): Promise<string> {
  const jobId = uuidv7({ msecs: at.getTime() - 1_000 });
  const accepted = createAccepted(jobId, [SCENE], new Date(at.getTime() - 1_000));
  await service.store.create(buildJobSpec(jobId, REQUEST, "tester", service.config, at), accepted);
  const running = markRunning(accepted, at);
  await service.store.writeStatus(state === "running" ? running : markFinished(running, "x", at));
  await publish(jobId, at);
  return jobId;
}

/** Published results for a job id, written at a given time. */
async function publish(jobId: string, at: Date): Promise<void> {
  const dir = publishedDir(jobId);
  await fs.mkdir(path.join(dir, "output"), { recursive: true });
  await fs.writeFile(path.join(dir, "output", "result.tif"), "pixels");
  await fs.utimes(dir, at, at);
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

describe("RESULTS_RETENTION", () => {
  it("removes published results past it, never a running job's, and leaves working directories to JOB_RETENTION", async () => {
    await setUp(["RESULTS_RETENTION: 60"]);
    const old = await job("finished", MINUTES_AGO(5));
    const recent = await job("finished", new Date());
    const running = await job("running", MINUTES_AGO(5));
    // Results whose job's working directory JOB_RETENTION already removed: their folder's age counts.
    const orphanOld = uuidv7({ msecs: MINUTES_AGO(10).getTime() });
    const orphanRecent = uuidv7();
    await publish(orphanOld, MINUTES_AGO(10));
    await publish(orphanRecent, new Date());

    expect(await service.jobs.sweepExpired()).toEqual([]); // no working directory is past JOB_RETENTION
    expect(await exists(publishedDir(old))).toBe(false);
    expect(await exists(publishedDir(orphanOld))).toBe(false);
    for (const kept of [recent, running, orphanRecent]) expect(await exists(publishedDir(kept))).toBe(true);
    // The job itself is still there until JOB_RETENTION.
    expect((await service.jobs.get(old)).jobID).toBe(old);
    // Removed by renaming away first: nothing half-removed is left under a visible or hidden name.
    const left = await fs.readdir(path.dirname(publishedDir(old)));
    expect(left.sort()).toEqual([recent, running, orphanRecent].sort());
  });

  it("is off by default: published results stay", async () => {
    await setUp([]);
    const old = await job("finished", MINUTES_AGO(60 * 24 * 30));
    await service.jobs.sweepExpired();
    expect(await exists(publishedDir(old))).toBe(true);
  });
});
