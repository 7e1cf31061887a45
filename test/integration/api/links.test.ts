import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";
import { seedFinishedJob } from "./finished-job.js";

// Every absolute link the service gives (Location headers, status links, OGC links, next-page links, result
// links, subscriber callback bodies) is built on PUBLIC_URL when it is set, and never on a Host header that
// does not name the address the request came in on.

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
const PUBLIC = "https://agricarta.example.org";
const EVIL = "evil.example";

let sandbox: Sandbox;
let service: TestService;
let hooks: http.Server;
let hookUrl: string;
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  hooks = http.createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      received.push(JSON.parse(text) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks/`;
});

afterAll(() => new Promise((resolve) => hooks.close(resolve)));

async function setUp(configLines: string[]): Promise<void> {
  sandbox = await createSandbox({
    scenes: [],
    configLines: [`SUBSCRIBER_URL_PREFIXES: ["${hookUrl}"]`, "MAX_CONCURRENT_JOBS: 4", ...configLines],
  });
  service = createTestService(sandbox, { worker: "forever" });
  await service.jobs.start();
}

afterEach(() => tearDownService(service, sandbox));

/** Every href in a JSON body, at any depth. */
function hrefsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(hrefsOf);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === "href" && typeof v === "string" ? [v] : hrefsOf(v),
  );
}

/** Every link an answer gives: its Location header and every href in its body. */
const linksOf = (res: request.Response): string[] => [
  ...(res.headers["location"] === undefined ? [] : [res.headers["location"]]),
  ...hrefsOf(res.body),
];

const submit = (host?: string) => {
  const req = request(service.app).post("/agricarta/preprocessing").set("content-type", "application/json");
  if (host !== undefined) req.set("host", host);
  return req.send(JSON.stringify({ imagery_list: [SCENE] }));
};
const execute = (body: unknown, host?: string) => {
  const req = request(service.app)
    .post("/ogcapi/processes/preprocessing/execution")
    .set("content-type", "application/json");
  if (host !== undefined) req.set("host", host);
  return req.send(JSON.stringify(body));
};
const get = (url: string, host?: string) => {
  const req = request(service.app).get(url);
  return host === undefined ? req : req.set("host", host);
};

/** What every kind of answer links to, each asked for with `host` as the Host header. */
async function everyLink(host?: string): Promise<string[]> {
  const submitted = await submit(host);
  expect(submitted.status).toBe(202);
  await submit(host);
  const jobId = submitted.body.jobID as string;
  const finished = await seedFinishedJob(service, { "a/b_B3_toa.tif": "II*", "a/b.stac.json": "{}" });
  const answers = [
    submitted,
    await get(`/agricarta/preprocessing/${jobId}`, host),
    await get("/agricarta/preprocessing?limit=1", host),
    await get("/ogcapi", host),
    await get("/ogcapi/processes", host),
    await get("/ogcapi/processes/preprocessing", host),
    await get("/ogcapi/jobs?limit=1", host),
    await get(`/ogcapi/jobs/${jobId}`, host),
    await get(`/ogcapi/jobs/${finished.jobId}`, host),
    await get(`/ogcapi/jobs/${finished.jobId}/results`, host),
    await execute({ inputs: { imagery_list: [SCENE] } }, host),
  ];
  for (const [i, res] of answers.entries()) expect(res.status, `answer ${i}`).toBeLessThan(300);
  const links = answers.flatMap(linksOf);
  // The list pages have next links, the finished job results, the landing page its service-desc.
  expect(links.filter((l) => l.includes("cursor="))).toHaveLength(2);
  expect(links.filter((l) => l.includes("/outputs/"))).toHaveLength(2);
  expect(links.some((l) => l.endsWith("/openapi.json"))).toBe(true);
  return links;
}

describe("without PUBLIC_URL", () => {
  it("never reflects a Host header that does not name this server", async () => {
    await setUp([]);
    const links = await everyLink(EVIL);
    expect(links.length).toBeGreaterThan(20);
    for (const link of links) expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it("uses the Host the client used when it names the address the request came in on", async () => {
    await setUp([]);
    for (const link of await everyLink()) expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const res = await request(service.app).get("/ogcapi").set("host", "localhost:1");
    // localhost is this machine, but not on the port the request came in on.
    for (const link of linksOf(res)) expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it("ignores X-Forwarded-Host and X-Forwarded-Proto unless TRUST_PROXY trusts the peer", async () => {
    await setUp([]);
    const res = await get("/ogcapi").set("x-forwarded-host", EVIL).set("x-forwarded-proto", "https");
    for (const link of linksOf(res)) expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it("gives subscriber callbacks the absolute link of the request that submitted the job", async () => {
    await setUp([]);
    const res = await execute(
      { inputs: { imagery_list: [SCENE] }, subscriber: { inProgressUri: `${hookUrl}a` } },
      EVIL,
    );
    expect(res.status).toBe(201);
    const jobId = res.body.jobID as string;
    await expect.poll(() => received.filter((b) => b["jobID"] === jobId).length, { timeout: 10_000 }).toBe(1);
    const body = received.find((b) => b["jobID"] === jobId)!;
    const self = (body["links"] as { rel: string; href: string }[]).find((l) => l.rel === "self")!;
    expect(self.href).toBe(res.headers["location"]);
    expect(self.href).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/ogcapi/jobs/${jobId}$`));
  });
});

describe("with TRUST_PROXY", () => {
  it("builds links from the trusted proxy's X-Forwarded-Proto and X-Forwarded-Host", async () => {
    await setUp(["TRUST_PROXY: loopback"]);
    const res = await get("/ogcapi")
      .set("x-forwarded-host", "maps.example.net")
      .set("x-forwarded-proto", "https");
    const links = linksOf(res);
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) expect(link).toMatch(/^https:\/\/maps\.example\.net\//);
  });
});

describe("with PUBLIC_URL", () => {
  it("builds every link on it, whatever Host or X-Forwarded-Host says", async () => {
    await setUp([`PUBLIC_URL: ${PUBLIC}/`, "TRUST_PROXY: loopback"]);
    for (const host of [EVIL, undefined]) {
      const links = await everyLink(host);
      for (const link of links) expect(link.startsWith(`${PUBLIC}/`), link).toBe(true);
    }
    const proxied = await get("/ogcapi").set("x-forwarded-host", EVIL);
    for (const link of linksOf(proxied)) expect(link.startsWith(`${PUBLIC}/`), link).toBe(true);
  });

  it("gives subscriber callbacks links on it", async () => {
    await setUp([`PUBLIC_URL: ${PUBLIC}`]);
    const res = await execute({
      inputs: { imagery_list: [SCENE] },
      subscriber: { inProgressUri: `${hookUrl}b` },
    });
    const jobId = res.body.jobID as string;
    await expect.poll(() => received.filter((b) => b["jobID"] === jobId).length, { timeout: 10_000 }).toBe(1);
    const body = received.find((b) => b["jobID"] === jobId)!;
    expect(body).toMatchObject({ jobID: jobId, processID: "preprocessing" });
    expect((body["links"] as { rel: string; href: string }[]).find((l) => l.rel === "self")!.href).toBe(
      `${PUBLIC}/ogcapi/jobs/${jobId}`,
    );
  });
});
