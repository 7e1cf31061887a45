import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, S2_L2A, SCENES } from "../helpers/paths.js";
import { createSandbox, requireApiKey, type Sandbox } from "../helpers/sandbox.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

// The Postman collection users import (docs/postman/), run by newman against the real server on the fixture
// scenes, so that the collection cannot rot: every request's test script must pass.

interface NewmanSummary {
  run: {
    stats: { requests: { total: number }; assertions: { total: number; failed: number } };
    failures: { error: { name: string; message: string; test?: string }; source?: { name?: string } }[];
  };
}
const newman = createRequire(import.meta.url)("newman") as {
  run: (options: object, done: (error: Error | null, summary: NewmanSummary) => void) => void;
};

const COLLECTION = path.join(REPO, "docs", "postman", "agricarta.postman_collection.json");
const KEY = "agk_postman-test-key-0001";
let sandbox: Sandbox;
let server: ServerProcess;

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [SCENES.l1, SCENES.l2], copy: [S2_L2A.tileDir] });
  await requireApiKey(sandbox, KEY);
  server = await startServer(sandbox);
});

afterAll(async () => {
  await server.stop("SIGKILL");
  await sandbox.remove();
});

describe("the Postman collection", () => {
  it("runs green under newman against the real server", async () => {
    const summary = await new Promise<NewmanSummary>((resolve, reject) => {
      newman.run(
        {
          collection: COLLECTION,
          envVar: [
            { key: "baseUrl", value: server.url },
            { key: "apiKey", value: KEY },
            { key: "sceneId", value: SCENES.l1.id },
            { key: "sentinel2Id", value: S2_L2A.id },
            { key: "slowSceneId", value: SCENES.l2.id },
          ],
          reporters: [],
          timeoutRequest: 30_000,
        },
        (error, result) => (error === null ? resolve(result) : reject(error)),
      );
    });
    const failures = summary.run.failures.map(
      (f) => `${f.source?.name}: ${f.error.test ?? ""} ${f.error.message}`,
    );
    expect(failures).toEqual([]);
    // Every request ran, the poll more than once, and the scripts really asserted things.
    expect(summary.run.stats.requests.total).toBeGreaterThan(11);
    expect(summary.run.stats.assertions.total).toBeGreaterThan(20);
  }, 180_000);
});
