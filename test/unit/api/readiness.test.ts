import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReadinessCheck } from "../../../src/api/readiness.js";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-ready-"));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe("readiness", () => {
  it("is ready when both volumes are there and workers load GDAL; asks GDAL once", async () => {
    let probes = 0;
    const check = createReadinessCheck({
      workingDir: dir,
      imageryStorage: dir,
      probeGdal: () => {
        probes++;
        return Promise.resolve("3.6.2");
      },
    });
    expect(await check()).toEqual([
      { name: "working_dir", ok: true, detail: "writable" },
      { name: "imagery_storage", ok: true, detail: "writable" },
      { name: "gdal", ok: true, detail: "GDAL 3.6.2" },
    ]);
    await check();
    expect(probes).toBe(1);
  });

  it("names what is missing, without paths, and asks GDAL again after a failure", async () => {
    let probes = 0;
    const check = createReadinessCheck({
      workingDir: path.join(dir, "absent"),
      imageryStorage: dir,
      probeGdal: () => {
        probes++;
        return Promise.reject(
          new Error("worker cannot start: libgdal.so.32: cannot open shared object file"),
        );
      },
    });
    const checks = await check();
    expect(checks.filter((c) => !c.ok).map((c) => [c.name, c.detail])).toEqual([
      ["working_dir", "not writable: ENOENT"],
      ["gdal", "worker cannot start: libgdal.so.32: cannot open shared object file"],
    ]);
    expect(JSON.stringify(checks)).not.toContain(dir);
    await check();
    expect(probes).toBe(2);
  });
});
