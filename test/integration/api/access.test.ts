import fs from "node:fs/promises";
import path from "node:path";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiKeys, hashApiKey, loadApiKeys } from "../../../src/auth/api-keys.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";

// Who may do what: API keys, job owners and admins; Idempotency-Key; the queue limit; JOB_RETENTION.
// The real app, job service and local executor; workers are fixture executables.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
const PROBLEM = /^application\/problem\+json/;
const KEYS = { alice: "agk_alice-secret-0001", bob: "agk_bob-secret-0002", ops: "agk_ops-secret-0003" };

let sandbox: Sandbox;
let service: TestService;

async function setUp(worker: string, configLines: string[] = []): Promise<void> {
  sandbox = await createSandbox({ scenes: [], configLines });
  const keysFile = path.join(sandbox.root, "api-keys.yaml");
  await fs.writeFile(
    keysFile,
    [
      "keys:",
      `  - { id: alice-laptop, owner: alice, sha256: "${hashApiKey(KEYS.alice)}" }`,
      `  - { id: bob-ci, owner: bob, sha256: "${hashApiKey(KEYS.bob)}" }`,
      `  - { id: ops, owner: ops, sha256: "${hashApiKey(KEYS.ops)}", admin: true }`,
    ].join("\n"),
  );
  service = createTestService(sandbox, {
    worker,
    authentication: { kind: "api_keys", keys: loadApiKeys(keysFile) },
  });
  await service.jobs.start();
}

afterEach(() => tearDownService(service, sandbox));

const submit = (key: string | undefined, body: unknown = { imagery_list: [SCENE] }) => {
  const req = request(service.app).post("/agricarta/preprocessing").set("content-type", "application/json");
  if (key !== undefined) req.set("authorization", `Bearer ${key}`);
  return req.send(JSON.stringify(body));
};
const get = (key: string, url: string) => request(service.app).get(url).set("authorization", `Bearer ${key}`);

describe("authentication", () => {
  beforeEach(() => setUp("forever"));

  it("answers 401 with a Bearer challenge without a key or with a wrong one, and creates nothing", async () => {
    for (const header of [undefined, "Bearer agk_not-a-key", "Basic YWxpY2U6eA==", "Bearer", "agk_alice"]) {
      const req = request(service.app)
        .post("/agricarta/preprocessing")
        .set("content-type", "application/json");
      if (header !== undefined) req.set("authorization", header);
      const res = await req.send(JSON.stringify({ imagery_list: [SCENE] }));
      expect(res.status, String(header)).toBe(401);
      expect(res.headers["content-type"]).toMatch(PROBLEM);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="agricarta"/);
    }
    for (const url of ["/agricarta/preprocessing", `/agricarta/preprocessing/${crypto.randomUUID()}`]) {
      expect((await request(service.app).get(url)).status).toBe(401);
      expect((await request(service.app).delete(url)).status).toBe(401);
    }
    expect(await fs.readdir(sandbox.workingDir)).toEqual([]);
  });

  it("leaves /healthz, /readyz, / and the API description (/openapi.json, /docs) open", async () => {
    for (const url of ["/healthz", "/readyz", "/", "/openapi.json", "/docs", "/docs/init.js"]) {
      expect((await request(service.app).get(url)).status, url).toBe(200);
    }
  });

  it("asks for a key at /metrics by default (METRICS_AUTH: api_key)", async () => {
    const open = await request(service.app).get("/metrics");
    expect(open.status).toBe(401);
    expect(open.headers["content-type"]).toMatch(PROBLEM);
    const res = await get(KEYS.bob, "/metrics");
    expect(res.status).toBe(200);
    expect(res.text).toContain("agricarta_queue_depth");
  });

  it("records the owner; a key sees, lists and cancels only its owner's jobs; an admin key sees all", async () => {
    const alices = (await submit(KEYS.alice)).body.jobID as string;
    const bobs = (await submit(KEYS.bob)).body.jobID as string;
    const spec = JSON.parse(await fs.readFile(path.join(sandbox.workingDir, alices, "job.json"), "utf8"));
    expect(spec.owner).toBe("alice");

    expect((await get(KEYS.alice, `/agricarta/preprocessing/${alices}`)).status).toBe(200);
    for (const url of [`/agricarta/preprocessing/${bobs}`, `/agricarta/preprocessing/${bobs}/log`]) {
      const res = await get(KEYS.alice, url);
      expect(res.status, url).toBe(403);
      expect(res.headers["content-type"]).toMatch(PROBLEM);
    }
    const cancel = await request(service.app)
      .delete(`/agricarta/preprocessing/${bobs}`)
      .set("authorization", `Bearer ${KEYS.alice}`);
    expect(cancel.status).toBe(403);
    expect((await service.jobs.get(bobs)).status).not.toBe("dismissed");

    const listed = (key: string) =>
      get(key, "/agricarta/preprocessing").then((r) =>
        (r.body.jobs as { jobID: string }[]).map((j) => j.jobID),
      );
    expect(await listed(KEYS.alice)).toEqual([alices]);
    expect(await listed(KEYS.bob)).toEqual([bobs]);
    expect(await listed(KEYS.ops)).toEqual([bobs, alices]);
    expect((await get(KEYS.ops, `/agricarta/preprocessing/${bobs}/log`)).status).toBe(200);
    expect(
      (
        await request(service.app)
          .delete(`/agricarta/preprocessing/${alices}`)
          .set("authorization", `Bearer ${KEYS.ops}`)
      ).status,
    ).toBe(200);
    // An unknown job is 404 for everyone, before any question of ownership.
    expect((await get(KEYS.alice, `/agricarta/preprocessing/${crypto.randomUUID()}`)).status).toBe(404);
  });
});

describe("API keys", () => {
  it("match only their own digest", () => {
    const keys = new ApiKeys([
      { id: "a", owner: "alice", sha256: hashApiKey("first"), admin: false },
      { id: "b", owner: "bob", sha256: hashApiKey("second"), admin: true },
    ]);
    expect(keys.authenticate("first")).toEqual({ keyId: "a", owner: "alice", admin: false });
    expect(keys.authenticate("second")).toEqual({ keyId: "b", owner: "bob", admin: true });
    expect(keys.authenticate("firs")).toBeUndefined();
    expect(keys.authenticate(hashApiKey("first"))).toBeUndefined();
  });

  it("refuse a keys file with a plain key, a duplicate or a bad owner, naming the field", async () => {
    const dir = await fs.mkdtemp(path.join((await import("node:os")).tmpdir(), "agricarta-keys-"));
    const file = path.join(dir, "keys.yaml");
    const cases: [string, RegExp][] = [
      [
        "keys:\n  - { id: a, owner: alice, sha256: agk_plain-key }",
        /keys\[0\]\.sha256: must be the key's SHA-256/,
      ],
      [
        `keys:\n  - { id: a, owner: x, sha256: "${hashApiKey("k")}" }\n  - { id: a, owner: y, sha256: "${hashApiKey("j")}" }`,
        /keys\[1\]\.id: is listed twice/,
      ],
      [`keys:\n  - { id: a, owner: "../x", sha256: "${hashApiKey("k")}" }`, /keys\[0\]\.owner/],
      ["keys: []", /keys: must list at least one key/],
      [
        "keys:\n  - { id: a, owner: alice, sha256: 'x', key: agk_plain }",
        /keys\[0\]\.key: is not a recognised field/,
      ],
    ];
    for (const [text, message] of cases) {
      await fs.writeFile(file, text);
      expect(() => loadApiKeys(file), text).toThrow(message);
    }
    expect(() => loadApiKeys(path.join(dir, "missing.yaml"))).toThrow(/cannot read API keys file/);
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe("Idempotency-Key", () => {
  beforeEach(() => setUp("forever"));

  it("returns the first job for a repeat of the same request, and 422 for the same key with another body", async () => {
    const body = { imagery_list: [SCENE], resolution: 30 };
    const first = await submit(KEYS.alice, body).set("idempotency-key", "order-17");
    expect(first.status).toBe(202);
    // The same request again, keys in another order: the same job, not a new one.
    const again = await submit(KEYS.alice, { resolution: 30, imagery_list: [SCENE] }).set(
      "idempotency-key",
      "order-17",
    );
    expect(again.status).toBe(200);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.jobID).toBe(first.body.jobID);
    expect(new URL(again.headers["location"]!).pathname).toBe(new URL(first.headers["location"]!).pathname);

    const other = await submit(KEYS.alice, { imagery_list: [SCENE], resolution: 60 }).set(
      "idempotency-key",
      "order-17",
    );
    expect(other.status).toBe(422);
    expect(other.headers["content-type"]).toMatch(PROBLEM);
    expect(other.body.jobID).toBe(first.body.jobID);

    // Keys are per owner: bob's "order-17" is his own.
    const bobs = await submit(KEYS.bob, body).set("idempotency-key", "order-17");
    expect(bobs.status).toBe(202);
    expect(bobs.body.jobID).not.toBe(first.body.jobID);
    const jobs = (await fs.readdir(sandbox.workingDir)).filter((n) => !n.startsWith("."));
    expect(jobs.sort()).toEqual([first.body.jobID, bobs.body.jobID].sort());
  });

  it("gives concurrent repeats one job", async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => submit(KEYS.alice).set("idempotency-key", "burst")),
    );
    const ids = new Set(answers.map((a) => a.body.jobID as string));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect((await fs.readdir(sandbox.workingDir)).filter((n) => !n.startsWith("."))).toHaveLength(1);
  });

  it("refuses a malformed key with 400 naming the header", async () => {
    const res = await submit(KEYS.alice).set("idempotency-key", "x".repeat(300));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: "Idempotency-Key", message: expect.any(String) }]);
    expect(await fs.readdir(sandbox.workingDir)).toEqual([]);
  });
});

describe("METRICS_AUTH: open", () => {
  beforeEach(() => setUp("forever", ["METRICS_AUTH: open"]));

  it("serves /metrics without a key", async () => {
    const res = await request(service.app).get("/metrics");
    expect(res.status).toBe(200);
    expect(res.text).toContain("agricarta_queue_depth");
  });
});

describe("Idempotency-Key on OGC execution", () => {
  beforeEach(() => setUp("forever"));

  const execute = (key: string, idempotencyKey: string | undefined, body: unknown) => {
    const req = request(service.app)
      .post("/ogcapi/processes/echo/execution")
      .set("content-type", "application/json")
      .set("prefer", "respond-async")
      .set("authorization", `Bearer ${key}`);
    if (idempotencyKey !== undefined) req.set("idempotency-key", idempotencyKey);
    return req.send(JSON.stringify(body));
  };

  it("returns the first job for a repeat, 422 for another body, 400 for a malformed key", async () => {
    const body = { inputs: { stringInput: "once", pause: 1 } };
    const first = await execute(KEYS.alice, "ogc-1", body);
    expect(first.status).toBe(201);
    const again = await execute(KEYS.alice, "ogc-1", { inputs: { pause: 1, stringInput: "once" } });
    expect(again.status).toBe(200);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.jobID).toBe(first.body.jobID);
    expect(new URL(again.headers["location"]!).pathname).toBe(`/ogcapi/jobs/${first.body.jobID}`);

    const other = await execute(KEYS.alice, "ogc-1", { inputs: { stringInput: "twice", pause: 1 } });
    expect(other.status).toBe(422);
    expect(other.headers["content-type"]).toMatch(PROBLEM);
    expect(other.body.jobID).toBe(first.body.jobID);

    const malformed = await execute(KEYS.alice, "x".repeat(300), body);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ field: "Idempotency-Key", message: expect.any(String) }]);

    // Keys are per owner, and a key without one makes a new job each time, as before.
    expect((await execute(KEYS.bob, "ogc-1", body)).status).toBe(201);
    expect((await execute(KEYS.alice, undefined, body)).status).toBe(201);
    const jobs = (await fs.readdir(sandbox.workingDir)).filter((n) => !n.startsWith("."));
    expect(jobs).toHaveLength(3);
  });
});

describe("backpressure", () => {
  beforeEach(() =>
    setUp("forever", ["MAX_CONCURRENT_JOBS: 1", "MAX_QUEUED_JOBS: 2", "MAX_QUEUED_JOBS_PER_OWNER: 2"]),
  );

  it("answers 429 with Retry-After when MAX_QUEUED_JOBS jobs are waiting, creating nothing", async () => {
    const accepted = [];
    for (let i = 0; i < 3; i++) accepted.push((await submit(KEYS.alice)).status);
    expect(accepted).toEqual([202, 202, 202]); // one running, two waiting
    const jobDirs = async () => (await fs.readdir(sandbox.workingDir)).filter((n) => n !== ".idempotency");
    const before = await jobDirs();
    const refused = await submit(KEYS.alice).set("idempotency-key", "late");
    expect(refused.status).toBe(429);
    expect(refused.headers["content-type"]).toMatch(PROBLEM);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    // Nothing is left behind, not even the idempotency record: the same key works once there is room.
    expect(await jobDirs()).toEqual(before);
    expect(await fs.readdir(path.join(sandbox.workingDir, ".idempotency"))).toEqual([]);
  });
});

describe("JOB_RETENTION", () => {
  beforeEach(() => setUp("noop", ["JOB_RETENTION: 1"]));

  it("removes finished jobs' working directories after the retention, never published results", async () => {
    const done = (await submit(KEYS.alice)).body.jobID as string;
    // The noop worker exits without a word, so the job ends failed: finished all the same.
    await expect.poll(async () => (await service.jobs.get(done)).status, { timeout: 10_000 }).toBe("failed");
    const published = path.join(sandbox.storage, "agricarta", "preprocessing", done);
    await fs.mkdir(published, { recursive: true });
    await fs.writeFile(path.join(published, "result.tif"), "pixels");
    expect(await service.jobs.sweepExpired()).toEqual([]); // finished less than a second ago
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await service.jobs.sweepExpired()).toEqual([done]);
    expect((await get(KEYS.alice, `/agricarta/preprocessing/${done}`)).status).toBe(404);
    expect((await fs.readdir(sandbox.workingDir)).filter((n) => !n.startsWith("."))).toEqual([]);
    expect(await fs.readFile(path.join(published, "result.tif"), "utf8")).toBe("pixels");
  });
});
