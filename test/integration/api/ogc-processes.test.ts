import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localPid, waitFor } from "../../helpers/alive.js";
import { BUILT_WORKER, SCENES } from "../../helpers/paths.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, type TestService } from "../../helpers/service.js";

// OGC API - Processes - Part 1: Core, requirement by requirement, against the real app, job service and the
// built worker (echo and preprocessing jobs run for real). Base path /ogcapi (the default).

const BASE = "/ogcapi";
const EXC = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/";
const REL = "http://www.opengis.net/def/rel/ogc/1.0/";
const CONF = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/";

let sandbox: Sandbox;
let service: TestService;
let hooks: http.Server;
const received: { path: string; body: Record<string, unknown> }[] = [];
let hookUrl: string;

beforeAll(async () => {
  hooks = http.createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(text) as Record<string, unknown> });
      if (req.url?.includes("redirect") === true) {
        // A callback must never follow this, even to an allowed URL (let alone another host).
        res.writeHead(307, { location: `${hookUrl}/allowed/redirected` }).end();
        return;
      }
      res.writeHead(
        req.url?.includes("flaky") && received.filter((r) => r.path === req.url).length < 2 ? 503 : 204,
      );
      res.end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  sandbox = await createSandbox({
    scenes: [SCENES.l1],
    configLines: ["CPU_CORES: 2", `SUBSCRIBER_URL_PREFIXES: ["${hookUrl}/allowed/"]`],
  });
  service = createTestService(sandbox, { worker: BUILT_WORKER });
  await service.jobs.start();
});

afterAll(async () => {
  service.jobs.stop();
  await new Promise((resolve) => hooks.close(resolve));
  await sandbox.remove();
});

const api = () => request(service.app);
const execute = (processId: string, body: unknown, prefer?: string) => {
  const req = api().post(`${BASE}/processes/${processId}/execution`).set("content-type", "application/json");
  if (prefer !== undefined) req.set("prefer", prefer);
  return req.send(JSON.stringify(body));
};
async function until(jobId: string, states: string[]): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const res = await api().get(`${BASE}/jobs/${jobId}`);
    if (states.includes(res.body.status as string)) return res.body as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} never became ${states.join("/")}`);
}

describe("landing page and conformance (/req/core/landing-page-op, /req/core/conformance-op)", () => {
  it("links self, service-desc, conformance, processes and jobs with the OGC relation types", async () => {
    const res = await api().get(BASE);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const links = res.body.links as { rel: string; href: string; type: string }[];
    expect(links.map((l) => l.rel)).toEqual(
      expect.arrayContaining([
        "self",
        "service-desc",
        `${REL}conformance`,
        `${REL}processes`,
        `${REL}job-list`,
      ]),
    );
    for (const link of links) {
      const expected =
        link.rel === "service-desc" ? /\/openapi\.json$/ : /^http:\/\/127\.0\.0\.1:\d+\/ogcapi/;
      expect(link.href, link.rel).toMatch(expected);
      // Every link works.
      expect((await api().get(new URL(link.href).pathname)).status, link.href).toBe(200);
    }
  });

  it("declares exactly the conformance classes implemented", async () => {
    const res = await api().get(`${BASE}/conformance`);
    expect(res.status).toBe(200);
    expect(res.body.conformsTo).toEqual(
      ["core", "ogc-process-description", "json", "job-list", "dismiss"].map((c) => `${CONF}${c}`),
    );
  });
});

describe("processes (/req/core/process-list, /req/core/process-description)", () => {
  it("lists summaries with id, version, jobControlOptions, outputTransmission and links, honouring limit", async () => {
    const all = await api().get(`${BASE}/processes`);
    expect(all.status).toBe(200);
    expect(all.body.processes.map((p: { id: string }) => p.id)).toEqual(["preprocessing", "echo"]);
    for (const summary of all.body.processes) {
      expect(summary).toMatchObject({ version: expect.any(String), outputTransmission: expect.any(Array) });
      expect(summary.jobControlOptions.length).toBeGreaterThan(0);
      expect(summary.links.some((l: { rel: string }) => l.rel === "self")).toBe(true);
    }
    expect(all.body.processes[0].jobControlOptions).toEqual(["async-execute"]);
    expect(all.body.processes[1].jobControlOptions).toEqual(["sync-execute", "async-execute"]);
    const one = await api().get(`${BASE}/processes?limit=1`);
    expect(one.body.processes).toHaveLength(1);
    expect((await api().get(`${BASE}/processes?limit=0`)).status).toBe(400);
  });

  it("describes inputs and outputs with JSON Schemas generated from the validating zod schemas", async () => {
    const res = await api().get(`${BASE}/processes/preprocessing`);
    expect(res.status).toBe(200);
    const { inputs, outputs } = res.body;
    expect(inputs.imagery_list).toMatchObject({
      minOccurs: 1,
      schema: { type: "array", items: { type: "string" } },
    });
    expect(inputs.resolution.schema).toMatchObject({ type: "number", minimum: 1, maximum: 10_000 }); // MIN_RESOLUTION
    expect(inputs.cores.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 2 });
    expect(inputs.product.schema.enum).toEqual(["dn", "radiance", "toa", "sr"]);
    expect(inputs.resolution.minOccurs).toBe(0);
    expect(Object.keys(outputs)).toEqual(["files"]);
    const echo = await api().get(`${BASE}/processes/echo`);
    expect(echo.body.inputs.pause.schema).toMatchObject({ type: "integer", minimum: 0, maximum: 5 });
    expect(echo.body.inputs.stringInput.minOccurs).toBe(1);
  });

  it("answers an unknown process with 404 no-such-process", async () => {
    for (const url of [`${BASE}/processes/nope`, `${BASE}/processes/nope/execution`]) {
      const res = url.endsWith("execution") ? await execute("nope", { inputs: {} }) : await api().get(url);
      expect(res.status, url).toBe(404);
      expect(res.body.type).toBe(`${EXC}no-such-process`);
    }
  });
});

describe("execution (/req/core/process-execute-*)", () => {
  it("runs echo synchronously by default: raw text, or a JSON document when asked", async () => {
    const raw = await execute("echo", { inputs: { stringInput: "hello" } });
    expect(raw.status).toBe(200);
    expect(raw.text).toBe("hello");
    const doc = await execute("echo", { inputs: { stringInput: "hi" }, response: "document" });
    expect(doc.body).toEqual({ stringOutput: "hi" });
  });

  it("runs echo as a job with Prefer: respond-async: 201, Location, statusInfo; result-not-ready while pausing", async () => {
    const res = await execute("echo", { inputs: { stringInput: "later", pause: 2 } }, "respond-async");
    expect(res.status).toBe(201);
    expect(res.headers["preference-applied"]).toBe("respond-async");
    expect(res.headers["location"]).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+${BASE}/jobs/${res.body.jobID}$`),
    );
    expect(res.body).toMatchObject({
      jobID: expect.any(String),
      processID: "echo",
      type: "process",
      status: "accepted",
    });
    const notReady = await api().get(`${BASE}/jobs/${res.body.jobID}/results`);
    expect(notReady.status).toBe(404);
    expect(notReady.body.type).toBe(`${EXC}result-not-ready`);
    const done = await until(res.body.jobID as string, ["successful", "failed"]);
    expect(done.status).toBe("successful");
    expect((done.links as { rel: string }[]).some((l) => l.rel === `${REL}results`)).toBe(true);
    const results = await api().get(`${BASE}/jobs/${res.body.jobID}/results`);
    expect(results.status).toBe(200);
    expect(results.body).toEqual({ stringOutput: "later" });
    // The seed endpoint serves preprocessing jobs only: an echo job is not one of them.
    for (const url of [
      `/agricarta/preprocessing/${res.body.jobID}`,
      `/agricarta/preprocessing/${res.body.jobID}/log`,
    ]) {
      expect((await api().get(url)).status, url).toBe(404);
    }
    const listed = (await api().get("/agricarta/preprocessing?limit=1000")).body.jobs as { jobID: string }[];
    expect(listed.map((j) => j.jobID)).not.toContain(res.body.jobID);
  });

  it("runs preprocessing asynchronously even without Prefer, and serves each output as {href, type}", async () => {
    const res = await execute("preprocessing", {
      inputs: { imagery_list: [SCENES.l1.id], resolution: 600, product: "toa" },
    });
    expect(res.status).toBe(201);
    expect(res.headers["preference-applied"]).toBeUndefined();
    const done = await until(res.body.jobID as string, ["successful", "failed"]);
    expect(done.status).toBe("successful");
    const results = await api().get(`${BASE}/jobs/${res.body.jobID}/results`);
    expect(results.status).toBe(200);
    const entries = Object.entries(results.body as Record<string, { href: string; type: string }>);
    expect(entries.length).toBeGreaterThan(3);
    const b3 = entries.find(([id]) => id.endsWith("_B3_toa"))![1];
    expect(b3.type).toBe("image/tiff; application=geotiff; profile=cloud-optimized");
    // The href is a real link: the published COG comes back, byte for byte a TIFF.
    const file = await api().get(new URL(b3.href).pathname).buffer(true);
    expect(file.status).toBe(200);
    expect(file.body.subarray(0, 2).toString("latin1")).toBe("II");
    // Anything that is not one of the job's outputs is not served, path tricks included.
    for (const bad of ["job.json", "..%2F..%2Fconfig.yaml", "output/preprocess/x.tif"]) {
      expect((await api().get(`${BASE}/jobs/${res.body.jobID}/outputs/${bad}`)).status, bad).toBe(404);
    }
  }, 120_000);

  it("refuses invalid inputs with 400 naming each input, and creates no job", async () => {
    const before = (await api().get(`${BASE}/jobs?limit=10000`)).body.jobs.length as number;
    const bad = await execute("preprocessing", { inputs: { imagery_list: ["../etc"], resolution: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      "inputs.imagery_list[0]",
      "inputs.resolution",
    ]);
    expect((await execute("echo", { inputs: { pause: 5 } })).status).toBe(400);
    expect((await execute("echo", { inputs: { stringInput: "x", pause: 600 } })).status).toBe(400);
    expect((await execute("echo", { inputs: {}, response: "table" })).status).toBe(400);
    expect((await api().get(`${BASE}/jobs?limit=10000`)).body.jobs.length).toBe(before);
  });
});

describe("jobs (/req/core/job-list, /req/core/job, /req/core/job-results, /req/dismiss)", () => {
  it("lists jobs with filters, limit and next links", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await execute("echo", { inputs: { stringInput: `n${i}` } }, "respond-async")).body.jobID as string,
      );
    }
    for (const id of ids) await until(id, ["successful"]);
    const page = await api().get(`${BASE}/jobs?processID=echo&limit=2`);
    expect(page.status).toBe(200);
    expect(page.body.jobs).toHaveLength(2);
    expect(page.body.jobs[0]).toMatchObject({ type: "process", processID: "echo" });
    const next = (page.body.links as { rel: string; href: string }[]).find((l) => l.rel === "next")!;
    expect(next.href).toContain("processID=echo");
    const rest = await api().get(new URL(next.href).pathname + new URL(next.href).search);
    expect(rest.body.jobs.length).toBeGreaterThan(0);
    expect(rest.body.jobs.map((j: { jobID: string }) => j.jobID)).not.toContain(page.body.jobs[0].jobID);

    const filtered = async (query: string) =>
      (await api().get(`${BASE}/jobs?${query}`)).body.jobs as {
        jobID: string;
        processID: string;
        status: string;
      }[];
    expect(
      (await filtered("processID=preprocessing&limit=100")).every((j) => j.processID === "preprocessing"),
    ).toBe(true);
    expect(
      (await filtered("status=successful&type=process&limit=100")).every((j) => j.status === "successful"),
    ).toBe(true);
    expect(await filtered("datetime=2000-01-01T00:00:00Z/2000-01-02T00:00:00Z")).toEqual([]);
    expect(
      (
        await filtered(
          `datetime=${new Date(Date.now() - 3_600_000).toISOString()}/..&processID=echo&limit=100`,
        )
      ).length,
    ).toBeGreaterThanOrEqual(3);
    expect(await filtered("minDuration=3600")).toEqual([]);
    expect((await filtered("maxDuration=3600&processID=echo&limit=100")).length).toBeGreaterThanOrEqual(3);
    for (const bad of ["limit=0", "limit=10001", "status=lost", "datetime=yesterday", "type=other"]) {
      expect((await api().get(`${BASE}/jobs?${bad}`)).status, bad).toBe(400);
    }
    expect((await api().get(`${BASE}/jobs`)).body.jobs.length).toBeLessThanOrEqual(10);
  });

  it("gives statusInfo with the required fields, and no-such-job for an unknown job", async () => {
    const id = (await execute("echo", { inputs: { stringInput: "s" } }, "respond-async")).body
      .jobID as string;
    const doc = await until(id, ["successful"]);
    for (const field of [
      "jobID",
      "processID",
      "type",
      "status",
      "message",
      "created",
      "started",
      "finished",
      "updated",
      "progress",
      "links",
    ]) {
      expect(doc, field).toHaveProperty(field);
    }
    for (const url of [
      `${BASE}/jobs/${crypto.randomUUID()}`,
      `${BASE}/jobs/${crypto.randomUUID()}/results`,
      `${BASE}/jobs/x`,
    ]) {
      const res = await api().get(url);
      expect(res.status, url).toBe(404);
      expect(res.body.type).toBe(`${EXC}no-such-job`);
    }
  });

  it("dismisses a running job for real: 200 with status dismissed, its worker stopped", async () => {
    const id = (await execute("echo", { inputs: { stringInput: "s", pause: 5 } }, "respond-async")).body
      .jobID as string;
    await until(id, ["running"]);
    const pid = await waitFor(
      async () => localPid((await service.store.readTaskRuns(id, 0))?.attempts[0]?.worker),
      "the echo task's worker",
    );
    expect(() => process.kill(pid, 0)).not.toThrow();
    const res = await api().delete(`${BASE}/jobs/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("dismissed");
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await api().get(`${BASE}/jobs/${id}/results`)).status).toBe(404);
    expect((await api().delete(`${BASE}/jobs/${crypto.randomUUID()}`)).body.type).toBe(`${EXC}no-such-job`);
  });

  it("answers a failed job's results with its exception", async () => {
    const res = await execute("preprocessing", {
      inputs: { imagery_list: ["LC08_L1TP_099099_20200814_20200822_01_T1"] },
    });
    const doc = await until(res.body.jobID as string, ["failed", "successful"]);
    expect(doc.status).toBe("failed");
    const results = await api().get(`${BASE}/jobs/${res.body.jobID}/results`);
    expect(results.status).toBe(500);
    expect(results.body).toMatchObject({ type: `${EXC}job-results-failed`, detail: doc.message });
  }, 60_000);
});

describe("subscriber callbacks", () => {
  it("POSTs the statusInfo to inProgressUri and successUri, retrying a refusal", async () => {
    const subscriber = {
      inProgressUri: `${hookUrl}/allowed/progress`,
      successUri: `${hookUrl}/allowed/flaky-success`,
    };
    const id = (await execute("echo", { inputs: { stringInput: "cb" }, subscriber }, "respond-async")).body
      .jobID;
    await until(id as string, ["successful"]);
    // The service notices the worker's end on its own time; the second delivery follows a 100 ms back-off.
    const mine = () => received.filter((r) => r.body["jobID"] === id);
    await expect
      .poll(() => mine().filter((r) => r.path === "/allowed/flaky-success").length, { timeout: 10_000 })
      .toBe(2);
    await service.notifier.settled();
    expect(mine().filter((r) => r.path === "/allowed/progress")).toHaveLength(1);
    // The success hook answered 503 once, then 204: two deliveries of the final status, no third.
    const success = mine().filter((r) => r.path === "/allowed/flaky-success");
    expect(success).toHaveLength(2);
    expect(success[1]!.body).toMatchObject({ jobID: id, status: "successful" });
  });

  it("POSTs to failedUri when the job fails", async () => {
    const subscriber = { failedUri: `${hookUrl}/allowed/failed` };
    const res = await execute("preprocessing", {
      inputs: { imagery_list: ["LC08_L1TP_099099_20200814_20200822_01_T1"] },
      subscriber,
    });
    await until(res.body.jobID as string, ["failed"]);
    // The service notices the worker's end on its own time (a busy machine may take a while).
    const calls = () =>
      received.filter((r) => r.body["jobID"] === res.body.jobID && r.path === "/allowed/failed");
    await expect.poll(() => calls().length, { timeout: 15_000 }).toBe(1);
    await service.notifier.settled();
    expect(calls()).toHaveLength(1);
    expect(calls()[0]!.body).toMatchObject({ status: "failed" });
  }, 60_000);

  it("never follows a redirect from a subscriber", async () => {
    const subscriber = { successUri: `${hookUrl}/allowed/redirect` };
    const id = (await execute("echo", { inputs: { stringInput: "r" }, subscriber }, "respond-async")).body
      .jobID as string;
    await until(id, ["successful"]);
    const calls = (path: string) => received.filter((r) => r.body["jobID"] === id && r.path === path);
    // Each attempt fails on the redirect (three attempts in the tests' wiring); none goes where it points.
    await expect.poll(() => calls("/allowed/redirect").length, { timeout: 15_000 }).toBe(3);
    await service.notifier.settled();
    expect(calls("/allowed/redirected")).toEqual([]);
  });

  it("refuses a callback URL outside SUBSCRIBER_URL_PREFIXES with 400 naming it, creating no job", async () => {
    const res = await execute(
      "echo",
      { inputs: { stringInput: "x" }, subscriber: { successUri: "http://169.254.169.254/latest/meta-data" } },
      "respond-async",
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: "subscriber.successUri", message: expect.any(String) }]);
    // Nor one that only looks like it is under the prefix.
    for (const url of [
      `${hookUrl}/allowed/../pwn`,
      `${hookUrl}/allowed/%2e%2e/pwn`,
      `${hookUrl}/allowed/..\\pwn`,
      `${hookUrl.replace("127.0.0.1", "a@127.0.0.1")}/allowed/x`,
      `${hookUrl}0/allowed/x`,
    ]) {
      const refused = await execute(
        "echo",
        { inputs: { stringInput: "x" }, subscriber: { successUri: url } },
        "respond-async",
      );
      expect(refused.status, url).toBe(400);
    }
  });
});
