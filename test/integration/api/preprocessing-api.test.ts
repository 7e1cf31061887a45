import fs from "node:fs/promises";
import path from "node:path";
import request from "supertest";
import { v7 as uuidv7 } from "uuid";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAlive, localPid, waitFor } from "../../helpers/alive.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";

// The HTTP API against createApp() with the real job service and local executor on a temp WORKING_DIR.
// Workers are fixture executables: these tests are about the API and the job life cycle, not pixels.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
const OTHER = "LC08_L2SP_017036_20130419_20200913_02_T2";
const PROBLEM = /^application\/problem\+json/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let sandbox: Sandbox;
let service: TestService;

async function setUp(worker: string, configLines: string[] = []): Promise<void> {
  sandbox = await createSandbox({ scenes: [], configLines: ["CPU_CORES: 4", ...configLines] });
  service = createTestService(sandbox, { worker });
  await service.jobs.start();
}

afterEach(() => tearDownService(service, sandbox));

const submit = (body: unknown) =>
  request(service.app)
    .post("/agricarta/preprocessing")
    .set("content-type", "application/json")
    .send(JSON.stringify(body));

async function workingDirEntries(): Promise<string[]> {
  return fs.readdir(sandbox.workingDir);
}

/** The pid of the worker of the job's first task (one scene: its only one), once it has started. */
async function workerPid(jobId: string): Promise<number> {
  return waitFor(
    async () => localPid((await service.store.readTaskRuns(jobId, 0))?.attempts[0]?.worker),
    `a worker for ${jobId}`,
  );
}

/** Whether any worker was ever started for the job. */
function hasWorker(jobId: string): Promise<boolean> {
  return service.store.readTaskRuns(jobId, 0).then((runs) => runs !== undefined);
}

describe("service endpoints", () => {
  beforeEach(() => setUp("forever"));

  it("keeps the seed's hello at /", async () => {
    const res = await request(service.app).get("/");
    expect(res.status).toBe(200);
    expect(res.text).toBe("Hello, World!");
  });

  it("answers liveness and readiness", async () => {
    expect((await request(service.app).get("/healthz")).body).toEqual({ status: "ok" });
    const ready = await request(service.app).get("/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: "ready" });
  });

  it("answers unknown paths with problem+json 404", async () => {
    const res = await request(service.app).get("/nowhere");
    expect(res.status).toBe(404);
    expect(res.type).toMatch(PROBLEM);
    expect(res.body).toMatchObject({ status: 404, title: "Not Found" });
  });

  it.each([
    ["put", "/agricarta/preprocessing", "GET, POST"],
    ["patch", "/agricarta/preprocessing/01a2109b-646a-7495-9dde-b4be9f8fb147", "GET, DELETE"],
    ["post", "/agricarta/preprocessing/01a2109b-646a-7495-9dde-b4be9f8fb147/log", "GET"],
  ] as const)("answers %s %s with 405 and Allow: %s", async (method, url, allow) => {
    const res = await request(service.app)[method](url);
    expect(res.status).toBe(405);
    expect(res.type).toMatch(PROBLEM);
    expect(res.headers["allow"]).toBe(allow);
    expect(await workingDirEntries()).toEqual([]);
  });

  it("sends a request id back, keeping a sane incoming one", async () => {
    expect(
      (await request(service.app).get("/healthz").set("x-request-id", "abc-123")).headers["x-request-id"],
    ).toBe("abc-123");
    const generated = (await request(service.app).get("/healthz").set("x-request-id", "bad id with spaces"))
      .headers;
    expect(generated["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends security headers and no x-powered-by, on errors too", async () => {
    for (const res of [
      await request(service.app).get("/healthz"),
      await request(service.app).get("/nowhere"),
    ]) {
      expect(res.headers["x-powered-by"]).toBeUndefined();
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    }
  });
});

describe("POST /agricarta/preprocessing", () => {
  beforeEach(() => setUp("forever"));

  it("lists the first 20 bad fields of a request with a thousand, and how many more there were", async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `bad-${i}`);
    const res = await submit({ imagery_list: ids });
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(20);
    expect(res.body.errors[0].field).toBe("imagery_list[0]");
    expect(res.body.errorsOmitted).toBe(980);
    expect(res.body.detail).toMatch(/and 980 more$/);
    // A listing of all 1,000 was over 300 KB; 20, each naming every sensor's id forms, are under 20 KB.
    expect(res.text.length).toBeLessThan(20_000);
    expect(await workingDirEntries()).toEqual([]);
  });

  it("accepts the seed's body: 202, the status document and a Location", async () => {
    const res = await submit({
      imagery_list: [SCENE, OTHER],
      resolution: 10,
      cores: 2,
      delete_intermediate: false,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      processID: "preprocessing",
      type: "process",
      status: "accepted",
      progress: 0,
      scenes: [
        { id: SCENE, status: "pending" },
        { id: OTHER, status: "pending" },
      ],
    });
    const jobId = res.body.jobID as string;
    expect(jobId).toMatch(UUID);
    expect(res.headers["location"]).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/agricarta/preprocessing/${jobId}$`),
    );
    expect(res.body.links).toContainEqual(
      expect.objectContaining({ rel: "self", href: res.headers["location"] }),
    );
    const spec = JSON.parse(await fs.readFile(path.join(sandbox.workingDir, jobId, "job.json"), "utf8"));
    expect(spec.request).toEqual({
      imagery_list: [SCENE, OTHER],
      resolution: 10,
      cores: 2,
      delete_intermediate: false,
    });
    expect(spec.resolved).toMatchObject({
      sensors: { LC8: { bands: ["B2", "B3", "B4"] } },
      scenes: [
        { id: SCENE, sensor: "LC8" },
        { id: OTHER, sensor: "LC8" },
      ],
      imageryStorage: sandbox.storage,
    });
  });

  it("answers Accept: text/plain with the bare job id, as the seed did", async () => {
    const res = await submit({ imagery_list: [SCENE], delete_intermediate: "True" }).set(
      "accept",
      "text/plain",
    );
    expect(res.status).toBe(202);
    expect(res.type).toBe("text/plain");
    expect(res.text).toMatch(UUID);
    const spec = JSON.parse(await fs.readFile(path.join(sandbox.workingDir, res.text, "job.json"), "utf8"));
    expect(spec.request).toMatchObject({ delete_intermediate: true, resolution: 30, cores: 4 });
  });

  it("refuses an invalid body with 400, listing every bad field, and creates nothing", async () => {
    const res = await submit({
      imagery_list: ["../../etc/passwd", SCENE],
      resolution: -1,
      cores: 99,
      extra: true,
    });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(PROBLEM);
    expect(res.body).toMatchObject({
      status: 400,
      title: "Invalid request",
      type: "urn:agricarta:problem:invalid-request",
    });
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      "cores",
      "extra",
      "imagery_list[0]",
      "resolution",
    ]);
    expect(res.body.detail).toMatch(
      /imagery_list\[0\]: is not a scene id of a supported sensor: Landsat 8\/9 .*, Sentinel-2/,
    );
    expect(await workingDirEntries()).toEqual([]);
  });

  it("refuses a product a scene's level cannot give, naming the scene, and creates nothing", async () => {
    const res = await submit({ imagery_list: [OTHER, SCENE], product: "toa" });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: "product", message: `toa cannot be made from ${OTHER} (it gives dn, sr)` },
    ]);
    expect(await workingDirEntries()).toEqual([]);
    const ok = await submit({
      imagery_list: [SCENE],
      product: "toa",
      resampling: "cubic",
      reflectance_type: "float32",
    });
    expect(ok.status).toBe(202);
    const spec = JSON.parse(
      await fs.readFile(path.join(sandbox.workingDir, ok.body.jobID, "job.json"), "utf8"),
    );
    expect(spec.request).toMatchObject({ product: "toa", resampling: "cubic", reflectance_type: "float32" });
    expect((await submit({ imagery_list: [SCENE], resampling: "fastest" })).status).toBe(400);
  });

  it("takes an area of interest as GeoJSON or bbox, and names a bad one", async () => {
    const triangle = {
      type: "Polygon",
      coordinates: [
        [
          [-83.6, 34.2],
          [-82.4, 34.2],
          [-83, 35.1],
          [-83.6, 34.2],
        ],
      ],
    };
    expect((await submit({ imagery_list: [SCENE], clip: triangle })).status).toBe(202);
    expect((await submit({ imagery_list: [SCENE], clip: [-83.5, 34, -82.5, 35] })).status).toBe(202);
    const bad = await submit({ imagery_list: [SCENE], clip: [10, 10, 5, 20] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(["clip"]);
  });

  it("takes QA mask flags and names bad ones", async () => {
    const ok = await submit({ imagery_list: [SCENE], mask: ["cloud", "cloud_shadow"] });
    expect(ok.status).toBe(202);
    const bad = await submit({ imagery_list: [SCENE], mask: ["cloud", "haze", "cloud"] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(["mask[1]"]);
    expect(
      (await submit({ imagery_list: [SCENE], mask: ["cloud", "cloud"] })).body.errors[0].message,
    ).toMatch(/more than once/);
  });

  it("refuses malformed JSON with 400 and creates nothing", async () => {
    const res = await request(service.app)
      .post("/agricarta/preprocessing")
      .set("content-type", "application/json")
      .send('{"imagery_list": [');
    expect(res.status).toBe(400);
    expect(res.type).toMatch(PROBLEM);
    expect(res.body.title).toBe("Malformed JSON");
    expect(await workingDirEntries()).toEqual([]);
  });

  it.each([
    ["text/plain", "imagery_list=x"],
    ["application/x-www-form-urlencoded", "imagery_list=x"],
  ])("refuses a %s body with 415 and creates nothing", async (type, body) => {
    const res = await request(service.app)
      .post("/agricarta/preprocessing")
      .set("content-type", type)
      .send(body);
    expect(res.status).toBe(415);
    expect(res.type).toMatch(PROBLEM);
    expect(await workingDirEntries()).toEqual([]);
  });

  it("refuses a body with no content type with 415", async () => {
    const res = await request(service.app).post("/agricarta/preprocessing");
    expect(res.status).toBe(415);
  });

  it("refuses an oversized body with 413 and creates nothing", async () => {
    const res = await submit({ imagery_list: [SCENE], padding: "x".repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.type).toMatch(PROBLEM);
    expect(await workingDirEntries()).toEqual([]);
  });

  it("refuses a JSON body that is not an object", async () => {
    const res = await request(service.app)
      .post("/agricarta/preprocessing")
      .set("content-type", "application/json")
      .send('"LC08"');
    expect(res.status).toBe(400);
    expect(await workingDirEntries()).toEqual([]);
  });
});

describe("reading jobs", () => {
  beforeEach(() => setUp("forever", ["MAX_CONCURRENT_JOBS: 1"]));

  it("serves a job's status document with links, and 404 for unknown or malformed ids", async () => {
    const jobId = (await submit({ imagery_list: [SCENE] })).body.jobID as string;
    const res = await request(service.app).get(`/agricarta/preprocessing/${jobId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ jobID: jobId, processID: "preprocessing", type: "process" });
    expect(res.body.links.map((l: { rel: string }) => l.rel)).toEqual(["self", "log"]);
    for (const id of [uuidv7(), "not-a-job", "..%2f..%2fetc"]) {
      const missing = await request(service.app).get(`/agricarta/preprocessing/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.type).toMatch(PROBLEM);
    }
  });

  it("serves job_log.txt as text, 404 for an unknown job", async () => {
    const jobId = (await submit({ imagery_list: [SCENE] })).body.jobID as string;
    await service.store.appendLog(jobId, ["Job id: " + jobId]);
    const res = await request(service.app).get(`/agricarta/preprocessing/${jobId}/log`);
    expect(res.status).toBe(200);
    expect(res.type).toBe("text/plain");
    expect(res.text).toBe(`Job id: ${jobId}\n`);
    expect((await request(service.app).get(`/agricarta/preprocessing/${uuidv7()}/log`)).status).toBe(404);
  });

  it("lists jobs newest first, filters by status and pages with a cursor", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await submit({ imagery_list: [SCENE] })).body.jobID as string);
      await new Promise((r) => setTimeout(r, 2)); // distinct milliseconds, so creation order is unambiguous
    }
    const newestFirst = [...ids].reverse();
    const first = await request(service.app).get("/agricarta/preprocessing?limit=2");
    expect(first.status).toBe(200);
    expect(first.body.jobs.map((j: { jobID: string }) => j.jobID)).toEqual(newestFirst.slice(0, 2));
    const next = first.body.links.find((l: { rel: string }) => l.rel === "next").href as string;
    const second = await request(service.app).get(new URL(next).pathname + new URL(next).search);
    expect(second.body.jobs.map((j: { jobID: string }) => j.jobID)).toEqual(newestFirst.slice(2, 4));

    await service.jobs.cancel(ids[0]!);
    const dismissed = await request(service.app).get("/agricarta/preprocessing?status=dismissed");
    expect(dismissed.body.jobs.map((j: { jobID: string }) => j.jobID)).toEqual([ids[0]]);
  });

  it("refuses a bad list query with 400 naming the parameter", async () => {
    const res = await request(service.app).get("/agricarta/preprocessing?status=done&limit=0");
    expect(res.status).toBe(400);
    expect(res.type).toMatch(PROBLEM);
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(["limit", "status"]);
  });
});

describe("running and cancelling", () => {
  it("runs at most MAX_CONCURRENT_JOBS workers; the rest wait and start in FIFO order", async () => {
    await setUp("forever", ["MAX_CONCURRENT_JOBS: 1"]);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submit({ imagery_list: [SCENE] })).body.jobID as string);
    const first = await workerPid(ids[0]!);
    expect(await hasWorker(ids[1]!)).toBe(false);
    expect(await hasWorker(ids[2]!)).toBe(false);
    expect(service.jobs.queuedCount).toBe(2);

    await request(service.app).delete(`/agricarta/preprocessing/${ids[0]}`).expect(200);
    expect(isAlive(first)).toBe(false);
    await workerPid(ids[1]!);
    expect(await hasWorker(ids[2]!)).toBe(false);
  });

  it("cancels a running job: the worker's whole process group is killed and the job is dismissed", async () => {
    await setUp("forever");
    const jobId = (await submit({ imagery_list: [SCENE] })).body.jobID as string;
    const pid = await workerPid(jobId);
    const childPid = await waitFor(
      async () =>
        Number(
          await fs.readFile(path.join(sandbox.workingDir, jobId, "child.pid"), "utf8").catch(() => ""),
        ) || undefined,
      "the worker's child",
    );
    await fs.mkdir(path.join(sandbox.workingDir, jobId, "imagery"));
    expect(isAlive(pid) && isAlive(childPid)).toBe(true);

    const res = await request(service.app).delete(`/agricarta/preprocessing/${jobId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ jobID: jobId, status: "dismissed", message: "Cancelled by request" });
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(childPid)).toBe(false);
    await expect(fs.access(path.join(sandbox.workingDir, jobId, "imagery"))).rejects.toThrow();
    expect((await request(service.app).get(`/agricarta/preprocessing/${jobId}`)).body.status).toBe(
      "dismissed",
    );
  });

  it("cancels a queued job without ever starting it", async () => {
    await setUp("forever", ["MAX_CONCURRENT_JOBS: 1"]);
    const running = (await submit({ imagery_list: [SCENE] })).body.jobID as string;
    await workerPid(running);
    const queued = (await submit({ imagery_list: [SCENE] })).body.jobID as string;
    const res = await request(service.app).delete(`/agricarta/preprocessing/${queued}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("dismissed");
    expect(service.jobs.queuedCount).toBe(0);
    expect(await hasWorker(queued)).toBe(false);
  });

  it("answers 409 when cancelling a finished job and 404 for an unknown one", async () => {
    await setUp("forever");
    const jobId = (await submit({ imagery_list: [SCENE] })).body.jobID as string;
    await request(service.app).delete(`/agricarta/preprocessing/${jobId}`).expect(200);
    const again = await request(service.app).delete(`/agricarta/preprocessing/${jobId}`);
    expect(again.status).toBe(409);
    expect(again.type).toMatch(PROBLEM);
    expect(again.body).toMatchObject({ status: 409, jobStatus: "dismissed" });
    expect((await request(service.app).delete(`/agricarta/preprocessing/${uuidv7()}`)).status).toBe(404);
  });

  it.each([
    ["noop", "exit code 0; see 0.2.worker.stderr.log"],
    ["fail", "exit code 3; see 0.2.worker.stderr.log"],
  ])(
    "runs a task again when the %s worker ends without ending it, then fails the scene",
    async (worker, reason) => {
      await setUp(worker);
      const jobId = (await submit({ imagery_list: [SCENE] })).body.jobID as string;
      const doc = await waitFor(async () => {
        const body = (await request(service.app).get(`/agricarta/preprocessing/${jobId}`)).body;
        return body.status === "failed" ? body : undefined;
      }, "the job to fail");
      expect(doc.message).toBe(`1 of 1 scene(s) failed: ${SCENE}`);
      expect(doc.scenes[0]).toMatchObject({
        status: "failed",
        message: `Worker stopped before finishing: ${reason}`,
      });
      const log = (await request(service.app).get(`/agricarta/preprocessing/${jobId}/log`)).text;
      expect(log).toContain(`Image: ${SCENE} RETRIED: attempt 1 ended: ${reason.replace("0.2", "0.1")}`);
      expect(log).toContain(`Image: ${SCENE} FAILED: worker stopped before finishing (${reason})`);
      expect((await service.store.readTaskRuns(jobId, 0))?.attempts).toHaveLength(2);
    },
  );
});
