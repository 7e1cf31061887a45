import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";
import { seedFinishedJob } from "./finished-job.js";

// Both APIs answer the same error the same way (one error mapper decides status, title and detail); the OGC
// facade only names its exception types (http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/...).

const EXC = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/";
let sandbox: Sandbox;
let service: TestService;

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [] });
  service = createTestService(sandbox, { worker: "forever" });
  await service.jobs.start();
});

afterAll(() => tearDownService(service, sandbox));

const api = () => request(service.app);
const withoutType = (body: Record<string, unknown>) => ({ ...body, type: undefined });

describe("one error mapper", () => {
  it("answers a job that is already over alike on both APIs: 409 with its status", async () => {
    const { jobId } = await seedFinishedJob(service, { "a.json": "{}" });
    const seed = await api().delete(`/agricarta/preprocessing/${jobId}`);
    const ogc = await api().delete(`/ogcapi/jobs/${jobId}`);
    expect(seed.status).toBe(409);
    expect(ogc.status).toBe(409);
    expect(seed.body).toMatchObject({ title: "Conflict", jobStatus: "successful" });
    expect(ogc.body).toEqual(seed.body);
  });

  it("answers an unknown job alike, the OGC facade naming its no-such-job exception", async () => {
    const id = crypto.randomUUID();
    const seed = await api().get(`/agricarta/preprocessing/${id}`);
    const ogc = await api().get(`/ogcapi/jobs/${id}`);
    expect([seed.status, ogc.status]).toEqual([404, 404]);
    expect(seed.body.type).toBe("about:blank");
    expect(ogc.body.type).toBe(`${EXC}no-such-job`);
    expect(withoutType(ogc.body)).toEqual(withoutType(seed.body));
    expect(ogc.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("keeps the OGC exception types of the facade's own answers", async () => {
    expect((await api().get("/ogcapi/processes/nope")).body.type).toBe(`${EXC}no-such-process`);
    const running = (
      await api()
        .post("/ogcapi/processes/echo/execution")
        .set("content-type", "application/json")
        .set("prefer", "respond-async")
        .send(JSON.stringify({ inputs: { stringInput: "x" } }))
    ).body.jobID as string;
    const notReady = await api().get(`/ogcapi/jobs/${running}/results`);
    expect(notReady.status).toBe(404);
    expect(notReady.body.type).toBe(`${EXC}result-not-ready`);
    const { jobId } = await seedFinishedJob(service, { "a.json": "{}" });
    const missing = await api().get(`/ogcapi/jobs/${jobId}/outputs/b.json`);
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe(`${EXC}no-such-job`);
  });
});
