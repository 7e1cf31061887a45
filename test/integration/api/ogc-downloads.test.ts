import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { createTestService, tearDownService, type TestService } from "../../helpers/service.js";
import { seedFinishedJob } from "./finished-job.js";

// The OGC results' download route (/ogcapi/jobs/{jobId}/outputs/{file}): only the job's own published files,
// never what a symbolic link in the published folder points to outside it, and never cached by shared caches.

let sandbox: Sandbox;
let service: TestService;
let outside: string;

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [] });
  service = createTestService(sandbox, { worker: "forever" });
  await service.jobs.start();
  outside = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-outside-"));
  await fs.writeFile(path.join(outside, "secret.txt"), "not yours");
});

afterAll(async () => {
  await fs.rm(outside, { recursive: true, force: true });
  await tearDownService(service, sandbox);
});

const download = (jobId: string, file: string) =>
  request(service.app).get(`/ogcapi/jobs/${jobId}/outputs/${file}`).buffer(true);

describe("downloads", () => {
  it("serve a published output, privately cached", async () => {
    const job = await seedFinishedJob(service, { "s/s_B3_toa.tif": "II*\u0000pixels" });
    const res = await download(job.jobId, "s/s_B3_toa.tif");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^image\/tiff/);
    expect(res.body.toString("latin1")).toBe("II*\u0000pixels");
    expect(res.headers["cache-control"]).toMatch(/^private\b/);
    expect(res.headers["cache-control"]).not.toMatch(/public/);
  });

  it("refuse a published file replaced by a symbolic link to a file outside the job's folder", async () => {
    const job = await seedFinishedJob(service, { "s/s_B3_toa.tif": "II*", "s/s_B4_toa.tif": "II*" });
    for (const [file, target] of [
      ["s/s_B3_toa.tif", "/etc/passwd"],
      ["s/s_B4_toa.tif", path.join(outside, "secret.txt")],
    ] as const) {
      await fs.rm(path.join(job.published, file));
      await fs.symlink(target, path.join(job.published, file));
      const res = await download(job.jobId, file);
      expect(res.status, file).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(res.text).not.toMatch(/root:|not yours/);
    }
  });

  it("refuse a published folder replaced by a symbolic link to a folder outside", async () => {
    const job = await seedFinishedJob(service, { "s/secret.txt": "mine" });
    await fs.rm(path.join(job.published, "s"), { recursive: true });
    await fs.symlink(outside, path.join(job.published, "s"));
    const res = await download(job.jobId, "s/secret.txt");
    expect(res.status).toBe(404);
    expect(res.text).not.toContain("not yours");
  });

  it("still serve a link that stays inside the job's folder", async () => {
    const job = await seedFinishedJob(service, { "s/a.json": "{}", "s/b.json": "{}" });
    await fs.rm(path.join(job.published, "s", "b.json"));
    await fs.symlink("a.json", path.join(job.published, "s", "b.json"));
    expect((await download(job.jobId, "s/b.json")).status).toBe(200);
  });
});
