import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { StatusDocument } from "../../../src/jobs/status-document.js";
import { waitFor } from "../../helpers/alive.js";
import { landsatClones } from "../../helpers/landsat-clones.js";
import { BUILT_WORKER, SCENES } from "../../helpers/paths.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";

// The local executor's pool: a job's scenes in several worker processes at once (the built worker, real GDAL),
// sharing the job's cores, publish exactly what one worker at a time publishes.

const sandboxes: { sandbox: Sandbox; service: TestService }[] = [];

afterEach(async () => {
  for (const { sandbox, service } of sandboxes.splice(0)) await tearDownService(service, sandbox);
});

async function runJob(
  parallel: number,
): Promise<{ doc: StatusDocument; published: string; service: TestService }> {
  const sandbox = await createSandbox({
    scenes: [SCENES.l1],
    configLines: [`MAX_PARALLEL_SCENES: ${parallel}`],
  });
  const service = createTestService(sandbox, { worker: BUILT_WORKER });
  sandboxes.push({ sandbox, service });
  const scenes = await landsatClones(sandbox, SCENES.l1, 4);
  await service.jobs.start();
  const { status } = await service.jobs.submit(
    { imagery_list: scenes, resolution: 240, cores: 2, delete_intermediate: false },
    { owner: "tester" },
  );
  const doc = await waitFor(
    async () => {
      const d = await service.store.readStatus(status.jobID);
      return d.status === "successful" || d.status === "failed" ? d : undefined;
    },
    "the job to end",
    120_000,
  );
  return { doc, published: path.join(sandbox.storage, "agricarta", "preprocessing", status.jobID), service };
}

/** Each raster under a published folder by its path there, as a digest of its bytes. */
async function rasters(dir: string): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".tif")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = await fs.readFile(file);
    digests.set(path.relative(dir, file), crypto.createHash("sha256").update(bytes).digest("hex"));
  }
  return digests;
}

describe("the local worker pool", () => {
  it("runs a job's scenes concurrently and publishes byte-identical rasters to a sequential run", async () => {
    const pooled = await runJob(2);
    const sequential = await runJob(1);
    expect(pooled.doc).toMatchObject({ status: "successful", message: "Processed 4 scene(s)" });
    expect(sequential.doc).toMatchObject({ status: "successful", message: "Processed 4 scene(s)" });

    // Two at once in the pool, one at a time otherwise, from the tasks' own start and end times.
    const spans = async (run: typeof pooled) =>
      Promise.all(
        run.doc.scenes.map(async (_, i) => {
          const task = await run.service.store.readTask(run.doc.jobID, i);
          return [Date.parse(task!.started), Date.parse(task!.finished!)] as const;
        }),
      );
    const overlaps = (s: (readonly [number, number])[]) =>
      s.some(([a0, a1], i) => s.some(([b0, b1], j) => i !== j && a0 < b1 && b0 < a1));
    expect(overlaps(await spans(pooled))).toBe(true);
    expect(overlaps(await spans(sequential))).toBe(false);

    const a = await rasters(pooled.published);
    const b = await rasters(sequential.published);
    expect(a.size).toBe(4 * 3);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [file, digest] of a) expect(b.get(file), file).toBe(digest);
  }, 180_000);
});
