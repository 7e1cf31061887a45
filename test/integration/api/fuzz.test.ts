import fs from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";

// Property-based fuzzing of the job API with fast-check: whatever arrives (bodies, content types, path and query
// parameters), the answer is never a 5xx, an error never shows a stack trace or a server path, and a refused
// request leaves no file behind. FUZZ_RUNS sets the cases per property (default 2000).

const RUNS = Number(process.env["FUZZ_RUNS"] ?? 2000);
const JOBS = "/agricarta/preprocessing";
const SCENES = [
  "LC08_L1TP_015028_20200814_20200822_01_T1",
  "LC08_L2SP_017036_20130419_20200913_02_T2",
  "LC80150282020227LGN00",
];
/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as raw bytes' escape. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return "%ED%A0%80";
  }
}

const HOSTILE = [
  "../",
  "../../etc/passwd",
  "/",
  "/etc/passwd",
  "%2e%2e",
  "%2e%2e%2f",
  "..%2f..%2f",
  "\u0000",
  `${SCENES[0]}\u0000`,
  `${SCENES[0]}/../x`,
  "x".repeat(5000),
  "C:\\Windows",
  "$(reboot)",
  "`id`",
  "__proto__",
  "constructor",
  "\ud800",
  "😀",
];

let sandbox: Sandbox;
let service: TestService;
let files: Set<string>;

beforeAll(async () => {
  sandbox = await createSandbox({
    scenes: [],
    configLines: ["MAX_CONCURRENT_JOBS: 1", "MAX_QUEUED_JOBS: 100000", "CPU_CORES: 4"],
  });
  // Accepted jobs queue behind one worker that never finishes: the fuzzing is about the API.
  service = createTestService(sandbox, { worker: "forever" });
  await service.jobs.start();
  files = await listFiles();
});

afterAll(() => tearDownService(service, sandbox));

/**
 * What a request could have created: the entries of the working directory (job directories, hidden staging
 * and idempotency folders, with what is inside the hidden ones) and everything under storage and the root.
 * The inside of an accepted job's directory is its worker's business and is not listed.
 */
async function listFiles(): Promise<Set<string>> {
  const found = new Set<string>();
  for (const entry of await fs.readdir(sandbox.root))
    if (entry !== "work" && entry !== "storage") found.add(entry);
  for (const entry of await fs.readdir(sandbox.storage, { recursive: true })) found.add(`storage/${entry}`);
  for (const entry of await fs.readdir(sandbox.workingDir)) {
    found.add(`work/${entry}`);
    if (entry.startsWith(".")) {
      const inside = await fs
        .readdir(path.join(sandbox.workingDir, entry), { recursive: true })
        .catch(() => []);
      for (const name of inside) found.add(`work/${entry}/${name}`);
    }
  }
  return found;
}

/**
 * The checks every answer must pass. A refused request must not have added a file anywhere.
 */
async function checkAnswer(res: request.Response, what: string): Promise<void> {
  expect(res.status, what).toBeLessThan(500);
  const text = res.text ?? "";
  expect(text, what).not.toMatch(/\n\s+at \S|node_modules|\.ts:\d+|\.js:\d+/);
  expect(text, what).not.toContain(sandbox.root);
  const now = await listFiles();
  if (res.status >= 400) {
    expect(res.headers["content-type"], what).toMatch(/^application\/problem\+json/);
    const added = [...now].filter((f) => !files.has(f));
    expect(added, what).toEqual([]);
  }
  files = now;
}

const sceneId = fc.oneof(fc.constantFrom(...SCENES, ...HOSTILE), fc.string({ maxLength: 60 }));
const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Bodies near the valid one: each field valid, missing, or replaced by something odd. */
const nearValidBody = fc.record(
  {
    imagery_list: fc.oneof(fc.array(sceneId, { maxLength: 5 }), anyJson),
    resolution: fc.oneof(fc.constantFrom(10, 30, 0, -1, 1e9, Number.MAX_SAFE_INTEGER), fc.double(), anyJson),
    cores: fc.oneof(fc.integer({ min: -5, max: 2000 }), anyJson),
    delete_intermediate: fc.oneof(fc.boolean(), fc.constantFrom("True", "False", "yes", 1), anyJson),
    product: fc.oneof(fc.constantFrom("dn", "toa", "sr", "radiance", "st", "bogus"), anyJson),
    resampling: fc.oneof(fc.constantFrom("near", "bilinear", "mode", "fastest"), anyJson),
    mask: fc.oneof(fc.array(fc.constantFrom("cloud", "fill", "haze", "snow"), { maxLength: 4 }), anyJson),
    clip: fc.oneof(
      fc.array(fc.double({ min: -200, max: 200, noNaN: true }), { minLength: 4, maxLength: 4 }),
      anyJson,
    ),
  },
  { requiredKeys: [] },
);

/** Valid jobs, so that the accepting path is fuzzed too. */
const validBody = fc.record(
  {
    imagery_list: fc.uniqueArray(fc.constantFrom(...SCENES), { minLength: 1, maxLength: 3 }),
    resolution: fc.double({ min: 0.5, max: 10_000, noNaN: true }),
    cores: fc.integer({ min: 1, max: 4 }),
    delete_intermediate: fc.oneof(fc.boolean(), fc.constantFrom("True", "False")),
    product: fc.constant("dn"),
    resampling: fc.constantFrom("near", "bilinear", "cubic", "average", "mode"),
    mask: fc.uniqueArray(fc.constantFrom("fill", "cloud", "cloud_shadow", "snow"), { minLength: 1 }),
  },
  { requiredKeys: ["imagery_list"] },
);

/** Keys a body should never have, written into the JSON text as they are (a __proto__ key included). */
const strayKeys = fc.array(
  fc.tuple(fc.constantFrom("__proto__", "constructor", "prototype", "extra", "imagery_list ", ""), anyJson),
  { maxLength: 2 },
);

/** JSON text for a body: its own fields, then stray keys. */
function bodyText(fields: Record<string, unknown>, stray: readonly [string, unknown][]): string {
  const pairs = [...Object.entries(fields), ...stray];
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
}

describe(`fuzzing the job API (${RUNS} cases per property)`, () => {
  it("query parameters of the job list", async () => {
    const value = fc.oneof(
      fc.constantFrom("running", "failed", "0", "-1", "10001", "1e3", "NaN", "../x", "%00", ""),
      fc.string({ maxLength: 40 }),
    );
    const key = fc.constantFrom("status", "limit", "cursor", "other", "status[]", "limit[$gt]");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { maxLength: 4 }), async (pairs) => {
        const query = pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&");
        const res = await request(service.app).get(`${JOBS}?${query}`);
        await checkAnswer(res, `GET ?${query}`);
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it("POST raw bodies and content types", async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-16",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
      ),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(contentType, fc.string({ maxLength: 300 }), async (type, body) => {
        const res = await request(service.app)
          .post(JOBS)
          .set("content-type", type.replace(/[^\x20-\x7e]/g, "") || "application/json")
          .send(body);
        await checkAnswer(res, `POST ${type} ${body.slice(0, 100)}`);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it("path parameters: job ids and sub-resources with every kind of path trick", async () => {
    const segment = fc.oneof(
      fc.constantFrom(...HOSTILE.map((h) => encode(h)), "%00", "..", ".", "%2F", "%5C", "~"),
      fc.uuid().map(String),
      fc.string({ minLength: 1, maxLength: 80 }).map((s) => encode(s)),
    );
    const method = fc.constantFrom("get", "delete", "put", "patch", "post");
    const suffix = fc.constantFrom("", "/log", "/log/x", "/..", "/%2e%2e/log");
    await fc.assert(
      fc.asyncProperty(method, segment, suffix, async (verb, id, tail) => {
        const url = `${JOBS}/${id}${tail}`;
        const res = await request(service.app)[verb](url);
        await checkAnswer(res, `${verb.toUpperCase()} ${url}`);
        expect([400, 404, 405]).toContain(res.status);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);

  it("POST bodies: arbitrary JSON and near-valid jobs", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyJson.map((value) => JSON.stringify(value)),
          validBody.map((fields) => bodyText(fields, [])),
          fc.tuple(nearValidBody, strayKeys).map(([fields, stray]) => bodyText(fields, stray)),
        ),
        async (text) => {
          const res = await request(service.app)
            .post(JOBS)
            .set("content-type", "application/json")
            .send(text);
          await checkAnswer(res, `POST ${text.slice(0, 300)}`);
          expect([202, 400, 413]).toContain(res.status);
          if (res.status === 202) accepted++;
        },
      ),
      { numRuns: RUNS },
    );
    // The generator must reach the accepting path too, or the property only ever saw refusals.
    expect(accepted).toBeGreaterThan(0);
    process.stdout.write(`fuzz: ${accepted} of ${RUNS} generated bodies were valid jobs (202)\n`);
  }, 300_000);
});
