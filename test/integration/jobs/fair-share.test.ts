import request from "supertest";
import { v7 as uuidv7 } from "uuid";
import { afterEach, describe, expect, it } from "vitest";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import { createAccepted } from "../../../src/jobs/transitions.js";
import { localPid, waitFor } from "../../helpers/alive.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";

// One owner cannot block every other: a per-owner queue limit (MAX_QUEUED_JOBS_PER_OWNER) and running slots
// handed round-robin between owners, FIFO within each owner, after a restart too.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
const REQUEST = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };
const PROBLEM = /^application\/problem\+json/;

let sandbox: Sandbox;
let service: TestService;

async function setUp(): Promise<void> {
  sandbox = await createSandbox({
    scenes: [],
    configLines: ["MAX_CONCURRENT_JOBS: 1", "MAX_QUEUED_JOBS: 10", "MAX_QUEUED_JOBS_PER_OWNER: 3"],
  });
  service = createTestService(sandbox, { worker: "forever" });
}

afterEach(() => tearDownService(service, sandbox));

const submitAs = async (owner: string): Promise<string> =>
  (await service.jobs.submit(REQUEST, { owner })).status.jobID;
const started = (jobId: string): Promise<number> =>
  waitFor(
    () => service.store.readTaskRuns(jobId, 0).then((runs) => localPid(runs?.attempts[0]?.worker)),
    `job ${jobId}'s worker`,
  );
const hasWorker = async (jobId: string): Promise<boolean> =>
  (await service.store.readTaskRuns(jobId, 0)) !== undefined;

describe("per-owner limits", () => {
  it("answers 429 past MAX_QUEUED_JOBS_PER_OWNER, saying it is the owner's limit, while others still get in", async () => {
    await setUp();
    await service.jobs.start();
    const submit = () =>
      request(service.app)
        .post("/agricarta/preprocessing")
        .set("content-type", "application/json")
        .send(JSON.stringify({ imagery_list: [SCENE] }));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await submit()).status);
    expect(answers).toEqual([202, 202, 202, 202]); // one running, three waiting
    const refused = await submit();
    expect(refused.status).toBe(429);
    expect(refused.headers["content-type"]).toMatch(PROBLEM);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ title: "Too Many Requests", status: 429 });
    expect(refused.body.detail).toMatch(/owner/);
    expect(service.jobs.queuedCount).toBe(3);
    // The queue as a whole has room: another owner's job is accepted.
    const { status } = await service.jobs.submit(REQUEST, { owner: "bob" });
    expect(status.status).toBe("accepted");
  });

  it("starts another owner's job next, ahead of the first owner's backlog; FIFO within an owner", async () => {
    await setUp();
    await service.jobs.start();
    const [a1, a2, a3] = [await submitAs("alice"), await submitAs("alice"), await submitAs("alice")];
    await started(a1);
    const b1 = await submitAs("bob");
    await service.jobs.cancel(a1);
    await started(b1);
    expect(await hasWorker(a2)).toBe(false);
    await service.jobs.cancel(b1);
    await started(a2);
    expect(await hasWorker(a3)).toBe(false);
  });

  it("after a restart, queues accepted jobs again in creation order and still alternates owners", async () => {
    await setUp();
    const ids: string[] = [];
    for (const [i, owner] of ["alice", "alice", "alice", "bob"].entries()) {
      const created = new Date(Date.now() - 60_000 + i);
      const jobId = uuidv7({ msecs: created.getTime() });
      const spec = buildJobSpec(jobId, REQUEST, owner, service.config, created);
      await service.store.create(spec, createAccepted(jobId, [SCENE], created));
      ids.push(jobId);
    }
    const [a1, a2, , b1] = ids as [string, string, string, string];
    await service.jobs.start();
    await started(a1);
    expect(service.jobs.queuedCount).toBe(3);
    await service.jobs.cancel(a1);
    await started(b1);
    expect(await hasWorker(a2)).toBe(false);
  });
});
