import { Writable } from "node:stream";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";
import { seedFailedJob } from "./finished-job.js";

// pino-http's line per request, as an operator's log collector sees it.

let sandbox: Sandbox;
let service: TestService;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [] });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  service = createTestService(sandbox, { worker: "forever", logSink: sink });
  await service.jobs.start();
});

afterAll(() => tearDownService(service, sandbox));

const requestLines = () => lines.filter((l) => l["msg"] === "request");

describe("request logs", () => {
  it("write one line per request: request id (the caller's when sane), method, path, status, latency, job id", async () => {
    const res = await request(service.app)
      .post("/agricarta/preprocessing?x=1")
      .set("content-type", "application/json")
      .set("x-request-id", "client-abc.1")
      .set("authorization", "Bearer agk_should-never-appear")
      .send(JSON.stringify({ imagery_list: ["LC08_L1TP_015028_20200814_20200822_01_T1"] }));
    expect(res.status).toBe(202);
    expect(res.headers["x-request-id"]).toBe("client-abc.1");
    await expect.poll(() => requestLines().length).toBe(1);
    expect(requestLines()[0]).toMatchObject({
      level: 30,
      requestId: "client-abc.1",
      req: { method: "POST", path: "/agricarta/preprocessing" },
      res: { status: 202 },
      jobId: res.body.jobID,
      ms: expect.any(Number),
    });
    const insane = await request(service.app).get("/healthz").set("x-request-id", "no spaces allowed");
    expect(insane.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await request(service.app).get(`/agricarta/preprocessing/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
    await expect.poll(() => requestLines().length).toBe(3);
    expect(requestLines()[2]).toMatchObject({ level: 40, res: { status: 404 } });
    expect(JSON.stringify(lines)).not.toContain("agk_should-never-appear");
  });

  it("log the documented 500 for a failed job's results at warn, not error: a client cannot write error lines", async () => {
    const jobId = await seedFailedJob(service, "1 of 1 scene(s) failed");
    const before = lines.length;
    const res = await request(service.app).get(`/ogcapi/jobs/${jobId}/results`);
    expect(res.status).toBe(500);
    expect(res.body.detail).toBe("1 of 1 scene(s) failed");
    await expect.poll(() => lines.slice(before).filter((l) => l["msg"] === "request").length).toBe(1);
    const mine = lines.slice(before);
    expect(mine.find((l) => l["msg"] === "request")).toMatchObject({
      level: 40,
      res: { status: 500 },
      jobId,
    });
    expect(mine.filter((l) => (l["level"] as number) >= 50)).toEqual([]);
  });
});
