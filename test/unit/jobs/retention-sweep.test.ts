import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import { IdempotencyStore } from "../../../src/jobs/idempotency-store.js";
import { JobStore } from "../../../src/jobs/job-store.js";
import { KeyedLock } from "../../../src/jobs/keyed-lock.js";
import { RetentionSweep } from "../../../src/jobs/retention-sweep.js";
import { createAccepted, markFailed } from "../../../src/jobs/transitions.js";
import { createLogger } from "../../../src/logging/create-logger.js";
import { REPO } from "../../helpers/paths.js";

// The retention sweep on a temp dir with its own clock: what is past JOB_RETENTION and RESULTS_RETENTION goes,
// what has not ended stays.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
const REQUEST = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };
const HOUR = 3_600_000;
const config = loadConfig(path.join(REPO, "test", "fixtures", "config", "seed-config.yaml"), {});
let dir: string;
let store: JobStore;
let idempotency: IdempotencyStore;
let publishRoot: string;
let clock: Date;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-sweep-"));
  store = new JobStore(path.join(dir, "work"));
  idempotency = new IdempotencyStore(store.workingDir);
  publishRoot = path.join(dir, "published");
  clock = new Date("2025-06-01T12:00:00Z");
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const sweeper = (resultsRetentionMs?: number) =>
  new RetentionSweep({
    store,
    idempotency,
    lock: new KeyedLock(),
    logger: createLogger({ name: "test", consoleLevel: "fatal" }),
    now: () => clock,
    jobRetentionMs: 2 * HOUR,
    resultsRetentionMs,
    publishRoot,
  });

async function job(ended: boolean): Promise<string> {
  const jobId = uuidv7({ msecs: clock.getTime() });
  const accepted = createAccepted(jobId, [SCENE], clock);
  await store.create(buildJobSpec(jobId, REQUEST, "tester", config, clock), accepted);
  if (ended) await store.writeStatus(markFailed(accepted, "x", clock));
  await fs.mkdir(path.join(publishRoot, jobId), { recursive: true });
  return jobId;
}

describe("RetentionSweep", () => {
  it("removes ended jobs past JOB_RETENTION with their Idempotency-Key records, never a job that has not ended", async () => {
    const ended = await job(true);
    const waiting = await job(false);
    await idempotency.claim("tester", "k", "f", ended);
    clock = new Date(clock.getTime() + HOUR);
    expect(await sweeper().sweep()).toEqual([]);
    clock = new Date(clock.getTime() + 2 * HOUR);
    const idem = path.join(store.workingDir, ".idempotency");
    const past = new Date(clock.getTime() - 3 * HOUR);
    for (const name of await fs.readdir(idem)) await fs.utimes(path.join(idem, name), past, past);
    expect(await sweeper().sweep()).toEqual([ended]);
    expect(await store.listIds()).toEqual([waiting]);
    expect(await fs.readdir(idem)).toEqual([]);
    // Without RESULTS_RETENTION published results stay.
    expect((await fs.readdir(publishRoot)).sort()).toEqual([ended, waiting].sort());
  });

  it("with RESULTS_RETENTION removes ended jobs' results, and finishes what an interrupted sweep left", async () => {
    await job(true);
    const waiting = await job(false);
    const interrupted = path.join(publishRoot, `.${uuidv7()}.removing`);
    await fs.mkdir(path.join(interrupted, "output"), { recursive: true });
    await fs.mkdir(path.join(publishRoot, `.${waiting}.partial`));
    clock = new Date(clock.getTime() + HOUR);
    expect(await sweeper(HOUR / 2).sweep()).toEqual([]);
    expect((await fs.readdir(publishRoot)).sort()).toEqual([waiting, `.${waiting}.partial`].sort());
    expect(await store.listIds()).toHaveLength(2);
  });
});
