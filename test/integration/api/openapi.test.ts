import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Express } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";

// The OpenAPI 3.1 document against the app that serves it: every route the app registers is in it, and real
// answers validate against its schemas (Ajv, JSON Schema 2020-12, as OpenAPI 3.1 uses).

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
let sandbox: Sandbox;
let service: TestService;
let doc: { openapi: string; paths: Record<string, Record<string, unknown>>; components: unknown };

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [] });
  service = createTestService(sandbox, { worker: "forever" });
  await service.jobs.start();
  const res = await request(service.app).get("/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^application\/vnd\.oai\.openapi\+json/);
  doc = JSON.parse(res.text) as typeof doc;
});

afterAll(() => tearDownService(service, sandbox));

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) the app registers, paths in OpenAPI form (/jobs/{jobId}). */
function registeredRoutes(app: Express): [string, string][] {
  const found: [string, string][] = [];
  const walk = (stack: Layer[]): void => {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        for (const routePath of ([] as string[]).concat(layer.route.path)) {
          const openApiPath = routePath.replace(/\/$/, "").replace(/[:*](\w+)/g, "{$1}") || "/";
          for (const method of Object.keys(layer.route.methods)) {
            // router.all() catch-alls only answer 405 for methods a path does not serve.
            if (method !== "_all") found.push([method, openApiPath]);
          }
        }
      } else if (layer.handle?.stack !== undefined) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

function validator(name: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "openapi", components: doc.components });
  return ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and lists every route the app registers", () => {
    expect(doc.openapi).toBe("3.1.0");
    const routes = registeredRoutes(service.app);
    expect(routes.length).toBeGreaterThan(15);
    const missing = routes.filter(([method, p]) => doc.paths[p]?.[method] === undefined);
    expect(missing).toEqual([]);
    // And nothing more: every operation in it is a route the app serves, with a tag and its answers.
    const documented = Object.entries(doc.paths).flatMap(([p, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({ method, p, operation })),
    );
    const stale = documented.filter(({ method, p }) => !routes.some(([m, r]) => m === method && r === p));
    expect(stale).toEqual([]);
    for (const { method, p, operation } of documented) {
      expect(operation, `${method} ${p}`).toMatchObject({
        summary: expect.any(String),
        tags: [expect.any(String)],
      });
      expect(
        Object.keys((operation as { responses: object }).responses).length,
        `${method} ${p}`,
      ).toBeGreaterThan(0);
    }
  });

  it("describes each query parameter with the schema that validates it", () => {
    const parameters = (path: string) =>
      (
        (doc.paths[path]!["get"] as { parameters: { name: string; in: string; schema: unknown }[] })
          .parameters ?? []
      )
        .filter((p) => p.in === "query")
        .map((p) => [p.name, p.schema]);
    expect(Object.fromEntries(parameters("/ogcapi/jobs"))).toMatchObject({
      status: {
        type: "array",
        items: { enum: ["accepted", "running", "successful", "failed", "dismissed"] },
      },
      processID: { type: "array", items: { enum: ["preprocessing", "echo"] } },
      limit: { type: "integer", minimum: 1, maximum: 10_000 },
      minDuration: { type: "number", minimum: 0 },
      cursor: { type: "string", format: "uuid" },
    });
    expect(parameters("/ogcapi/jobs").map(([name]) => name)).toEqual([
      "type",
      "processID",
      "status",
      "datetime",
      "minDuration",
      "maxDuration",
      "limit",
      "cursor",
    ]);
    expect(parameters("/agricarta/preprocessing").map(([name]) => name)).toEqual([
      "status",
      "limit",
      "cursor",
    ]);
    expect(parameters("/ogcapi/processes").map(([name]) => name)).toEqual(["limit"]);
  });

  it("is what the OGC landing page names as its service-desc", async () => {
    const landing = await request(service.app).get("/ogcapi");
    const link = (landing.body.links as { rel: string; href: string; type: string }[]).find(
      (l) => l.rel === "service-desc",
    )!;
    expect(new URL(link.href).pathname).toBe("/openapi.json");
    expect(link.type).toBe("application/vnd.oai.openapi+json;version=3.1");
  });

  it("describes the answers the real app gives", async () => {
    const status = validator("StatusDocument");
    const list = validator("JobList");
    const problem = validator("Problem");
    const conformance = validator("Conformance");
    const submitted = await request(service.app)
      .post("/agricarta/preprocessing")
      .set("content-type", "application/json")
      .send(JSON.stringify({ imagery_list: [SCENE] }));
    expect(submitted.status).toBe(202);
    const check = (validate: ReturnType<typeof validator>, body: unknown, what: string) =>
      expect(validate(body) ? [] : validate.errors, what).toEqual([]);
    check(status, submitted.body, "POST 202");
    const jobId = submitted.body.jobID as string;
    check(status, (await request(service.app).get(`/agricarta/preprocessing/${jobId}`)).body, "GET job");
    check(list, (await request(service.app).get("/agricarta/preprocessing")).body, "GET list");
    check(list, (await request(service.app).get("/ogcapi/jobs")).body, "GET OGC jobs");
    check(status, (await request(service.app).get(`/ogcapi/jobs/${jobId}`)).body, "GET statusInfo");
    check(conformance, (await request(service.app).get("/ogcapi/conformance")).body, "conformance");
    const bad = await request(service.app)
      .post("/agricarta/preprocessing")
      .set("content-type", "application/json")
      .send(JSON.stringify({ imagery_list: ["x"] }));
    check(problem, bad.body, "400");
    check(
      problem,
      (await request(service.app).get(`/agricarta/preprocessing/${crypto.randomUUID()}`)).body,
      "404",
    );
    // And the request body example in the document is itself a valid request.
    const example = (
      doc.paths["/agricarta/preprocessing"]!["post"] as {
        requestBody: { content: { "application/json": { example: unknown } } };
      }
    ).requestBody.content["application/json"].example;
    check(validator("PreprocessingRequest"), example, "example");
    const responses = doc.paths["/agricarta/preprocessing"]!["post"] as {
      responses: Record<string, { content: Record<string, { example: unknown }> }>;
    };
    check(status, responses.responses["202"]!.content["application/json"]!.example, "202 example");
    check(problem, responses.responses["400"]!.content["application/problem+json"]!.example, "400 example");
    // A document that accepted anything would pass the checks above: it must refuse a wrong one.
    expect(status({ ...submitted.body, status: "lost" })).toBe(false);
    expect(problem({ title: "x" })).toBe(false);
  });
});

describe("the reference page", () => {
  it("serves Swagger UI at /docs, on this document, within the strict Content-Security-Policy", async () => {
    const page = await request(service.app).get("/docs");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(page.text).not.toMatch(/<script>[^<]/); // no inline script for the CSP to block
    const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    const styles = [...page.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(["/docs/assets/swagger-ui-bundle.js", "/docs/init.js"]);
    for (const asset of [...scripts, ...styles]) {
      const res = await request(service.app).get(asset);
      expect(res.status, asset).toBe(200);
      expect(res.text.length, asset).toBeGreaterThan(50);
    }
    expect((await request(service.app).get("/docs/init.js")).text).toContain('url: "/openapi.json"');
    expect((await request(service.app).get("/docs/assets/../../package.json")).status).toBe(404);
  });
});
