import { spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/auth/api-keys.js";
import type { StatusDocument } from "../../src/jobs/status-document.js";
import { TaskRunsSchema, type TaskAttempt } from "../../src/jobs/task-document.js";
import { isAlive, localPid, waitFor } from "../helpers/alive.js";
import { BUILT_SERVER, S2_L2A, SCENES } from "../helpers/paths.js";
import { writeSyntheticRadarsat2 } from "../helpers/synthetic-radarsat2.js";
import { writeSyntheticRcm } from "../helpers/synthetic-rcm.js";
import { expectOneGrid } from "../helpers/one-grid.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

// The real server and real workers as processes, over HTTP, on a temp copy of the real fixture scenes.

const JOBS = "/agricarta/preprocessing";
let sandbox: Sandbox | undefined;
let server: ServerProcess | undefined;

afterEach(async () => {
  await server?.stop("SIGKILL");
  server = undefined;
  await sandbox?.remove();
  sandbox = undefined;
});

async function submit(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server!.url}${JOBS}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function statusOf(jobId: string): Promise<StatusDocument> {
  return (await (await fetch(`${server!.url}${JOBS}/${jobId}`)).json()) as StatusDocument;
}

function untilStatus(jobId: string, states: string[], timeoutMs = 120_000): Promise<StatusDocument> {
  return waitFor(
    async () => {
      const doc = await statusOf(jobId);
      return states.includes(doc.status) ? doc : undefined;
    },
    `job ${jobId} to become ${states.join(" or ")}`,
    timeoutMs,
  );
}

/** A task's attempts as the API recorded them in tasks/<index>.runs.json; [] before its first worker starts. */
async function attemptsOf(jobId: string, index = 0): Promise<TaskAttempt[]> {
  const file = path.join(sandbox!.workingDir, jobId, "tasks", `${index}.runs.json`);
  const text = await fs.readFile(file, "utf8").catch(() => "");
  return text === "" ? [] : TaskRunsSchema.parse(JSON.parse(text)).attempts;
}

/** The pid of the worker running a task's first attempt, once it has started. */
function workerPidOf(jobId: string, index = 0): Promise<number> {
  return waitFor(
    async () => localPid((await attemptsOf(jobId, index))[0]?.worker),
    `task ${index} of job ${jobId} to start its worker`,
  );
}

describe("the service end to end", () => {
  it("publishes a job mixing Landsat and Sentinel-2 scenes on one grid", async () => {
    sandbox = await createSandbox({ scenes: [SCENES.l2], copy: [S2_L2A.tileDir] });
    server = await startServer(sandbox);
    const { status, json } = await submit({
      imagery_list: [`${S2_L2A.id}.SAFE`, SCENES.l2.id],
      resolution: 600,
      bands: { S2: ["B04", "B8A"], LC8: ["B4", "B5"] },
    });
    expect(status, JSON.stringify(json)).toBe(202);
    const done = await untilStatus(json["jobID"] as string, ["successful", "failed", "dismissed"]);
    expect(done.status).toBe("successful");
    const published = path.join(sandbox.storage, done.outputDir!);
    const tifs = done.scenes.map((scene) => scene.outputs.filter((o) => o.endsWith(".tif")));
    expect(tifs.map((list) => list.length)).toEqual([2, 2]);
    expectOneGrid(
      tifs.flat().map((file) => path.join(published, file)),
      600,
    );
    const stac = done.scenes[0]!.outputs.find((o) => o.endsWith(".stac.json"))!;
    const item = JSON.parse(await fs.readFile(path.join(published, stac), "utf8"));
    expect(item.properties["grid:code"]).toBe("MGRS-29UNU");
  }, 180_000);

  it("publishes terrain-corrected dB backscatter of RADARSAT-2 and RCM products beside optical scenes, on one grid", async () => {
    sandbox = await createSandbox({ scenes: [SCENES.l2], copy: [S2_L2A.tileDir, "required_datasets"] });
    const product = await writeSyntheticRadarsat2(
      path.join(sandbox.storage, "rs2-products", "2015", "08", "22"),
      { looks: { range: 2, azimuth: 2 } },
    );
    const rcm = await writeSyntheticRcm(path.join(sandbox.storage, "rcm-products", "2021", "08", "15"));
    server = await startServer(sandbox);
    const { status, json } = await submit({
      imagery_list: [product.id, `${S2_L2A.id}.SAFE`, SCENES.l2.id, rcm.id],
      resolution: 600,
      bands: { S2: ["B04"], LC8: ["B4"] },
      filter: "gamma",
      units: "dB",
    });
    expect(status, JSON.stringify(json)).toBe(202);
    const done = await untilStatus(json["jobID"] as string, ["successful", "failed", "dismissed"]);
    expect(done.status, JSON.stringify(done.scenes)).toBe("successful");
    const published = path.join(sandbox.storage, done.outputDir!);
    const radar = done.scenes[0]!.outputs;
    expect(radar.filter((o) => o.endsWith(".tif")).map((o) => path.basename(o))).toEqual([
      `${product.id}_HH_sigma0_db.tif`,
      `${product.id}_HV_sigma0_db.tif`,
    ]);
    expectOneGrid(
      done.scenes
        .flatMap((scene) => scene.outputs.filter((o) => o.endsWith(".tif")))
        .map((o) => path.join(published, o)),
      600,
    );
    const stac = radar.find((o) => o.endsWith(".stac.json"))!;
    const item = JSON.parse(await fs.readFile(path.join(published, stac), "utf8"));
    expect(item.properties).toMatchObject({
      "sar:instrument_mode": "W2",
      "sar:polarizations": ["HH", "HV"],
      "agricarta:provenance": { geolocation: "rpc", units: "dB", calibration: "sigma0" },
    });
    expect(item.assets.HH["raster:bands"][0]).toMatchObject({ unit: "dB", data_type: "float32" });
    const rcmOutputs = done.scenes[3]!.outputs;
    expect(rcmOutputs.filter((o) => o.endsWith(".tif")).map((o) => path.basename(o))).toEqual([
      `${rcm.id}_VV_sigma0_db.tif`,
      `${rcm.id}_VH_sigma0_db.tif`,
    ]);
    const rcmItem = JSON.parse(
      await fs.readFile(
        path.join(
          published,
          rcmOutputs.find((o) => o.endsWith(".stac.json"))!,
        ),
        "utf8",
      ),
    );
    expect(rcmItem.properties).toMatchObject({
      platform: "rcm-1",
      "sar:polarizations": ["VV", "VH"],
      "agricarta:provenance": { geolocation: "rpc", units: "dB", speckleFilter: { kind: "gamma" } },
    });
  }, 180_000);

  it("runs a job with one real and one missing scene to the end and publishes the real one", async () => {
    sandbox = await createSandbox({
      scenes: [SCENES.l2],
      configLines: ["LOGGING_CONFIG: {console_level: INFO}"],
    });
    server = await startServer(sandbox);
    const { status, json } = await submit({
      imagery_list: [SCENES.l2.id, SCENES.missing.id],
      resolution: 500,
      cores: 2,
      delete_intermediate: "False",
    });
    expect(status).toBe(202);
    const jobId = json["jobID"] as string;

    const done = await untilStatus(jobId, ["successful", "failed", "dismissed"]);
    expect(done).toMatchObject({
      status: "failed",
      progress: 100,
      outputDir: `agricarta/preprocessing/${jobId}`,
    });
    expect(done.scenes).toMatchObject([
      { id: SCENES.l2.id, status: "successful" },
      {
        id: SCENES.missing.id,
        status: "failed",
        message: expect.stringMatching(/^Not found in imagery storage/),
      },
    ]);

    const log = await (await fetch(`${server.url}${JOBS}/${jobId}/log`)).text();
    expect(log).toContain(`Image: ${SCENES.l2.id} FOUND\nImage: ${SCENES.l2.id} COPIED\n`);
    expect(log).toContain(`Image: ${SCENES.missing.id} NOT FOUND\n`);
    expect(log).toMatch(/Preprocessing started\n[^]*Preprocessing finished\n$/);

    const published = path.join(sandbox.storage, "agricarta", "preprocessing", jobId);
    expect(await fs.readFile(path.join(published, "job_log.txt"), "utf8")).toBe(log);
    for (const output of done.scenes[0]!.outputs) {
      expect((await fs.stat(path.join(published, output))).size).toBeGreaterThan(1000);
    }
    const listed = (await (await fetch(`${server.url}${JOBS}?status=failed`)).json()) as {
      jobs: { jobID: string }[];
    };
    expect(listed.jobs.map((j) => j.jobID)).toEqual([jobId]);
  });

  it("cancels a running job: its worker process group is gone, staging removed, nothing published", async () => {
    sandbox = await createSandbox({ scenes: [SCENES.l2, SCENES.l1] });
    server = await startServer(sandbox);
    // Two scenes on two cores: a worker for each at once. A fine grid over whole scenes keeps them busy.
    const { json } = await submit({ imagery_list: [SCENES.l2.id, SCENES.l1.id], resolution: 10, cores: 2 });
    const jobId = json["jobID"] as string;
    const pids = [await workerPidOf(jobId, 0), await workerPidOf(jobId, 1)];
    await waitFor(async () => {
      const doc = await statusOf(jobId);
      return doc.status === "running" && doc.scenes.every((s) => s.status === "running") && doc.progress > 0;
    }, "both scenes to be running");
    for (const pid of pids) expect(isAlive(pid)).toBe(true);

    const res = await fetch(`${server.url}${JOBS}/${jobId}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ jobID: jobId, status: "dismissed" });
    // Stopped before the answer: each worker and everything in its process group.
    for (const pid of pids) {
      expect(isAlive(pid)).toBe(false);
      expect(() => process.kill(-pid, 0)).toThrow(/ESRCH/);
    }
    await expect(fs.access(path.join(sandbox.workingDir, jobId, "imagery"))).rejects.toThrow();
    await expect(
      fs.access(path.join(sandbox.storage, "agricarta", "preprocessing", jobId)),
    ).rejects.toThrow();
    // Workers stopped by a cancel did not die of their infrastructure: no task is run again, then or later
    // (the API checks its workers every 2 s).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const index of [0, 1]) {
      expect(
        (await attemptsOf(jobId, index)).map((a) => a.attempt),
        `task ${index}`,
      ).toEqual([1]);
    }
    const tasks = await fs.readdir(path.join(sandbox.workingDir, jobId, "tasks"));
    expect(tasks.filter((f) => f.endsWith(".worker.stdout.log")).sort()).toEqual([
      "0.1.worker.stdout.log",
      "1.1.worker.stdout.log",
    ]);
    await expect(fs.access(path.join(sandbox.workingDir, jobId, "imagery"))).rejects.toThrow();
    expect((await statusOf(jobId)).status).toBe("dismissed");
    expect((await fetch(`${server.url}/healthz`)).ok).toBe(true);
  }, 120_000);

  it("keeps a running worker through a server shutdown and restart, and the job still completes", async () => {
    sandbox = await createSandbox({ scenes: [SCENES.l2] });
    server = await startServer(sandbox);
    const { json } = await submit({ imagery_list: [SCENES.l2.id], resolution: 40, cores: 1 });
    const jobId = json["jobID"] as string;
    await untilStatus(jobId, ["running"]);
    const pid = await workerPidOf(jobId);

    expect(await server.stop("SIGTERM")).toBe(0);
    expect(isAlive(pid)).toBe(true);
    server = await startServer(sandbox);
    const done = await untilStatus(jobId, ["successful", "failed"]);
    expect(done.status, JSON.stringify(done.scenes)).toBe("successful");
    // The restarted server adopted that worker, which finished the job: it was not run again.
    const attempts = await attemptsOf(jobId);
    expect(attempts.map((a) => [a.attempt, a.ended])).toEqual([[1, undefined]]);
    expect(localPid(attempts[0]!.worker)).toBe(pid);
    expect(isAlive(pid)).toBe(false);
  }, 120_000);
});

describe("authentication in the real server", () => {
  const KEY = "agk_e2e-secret-key-0042";

  it("needs the key on job endpoints and never writes it to a log", async () => {
    sandbox = await createSandbox({ scenes: [] });
    const keysFile = path.join(sandbox.root, "api-keys.yaml");
    await fs.writeFile(keysFile, `keys:\n  - { id: e2e, owner: tester, sha256: "${hashApiKey(KEY)}" }\n`);
    const config = (await fs.readFile(sandbox.configPath, "utf8"))
      .replace(/^AUTH_DISABLED:.*$/m, `API_KEYS_FILE: ${keysFile}`)
      .replace("console_level: CRITICAL", "console_level: DEBUG");
    await fs.writeFile(sandbox.configPath, config);
    server = await startServer(sandbox);
    const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
    expect((await fetch(`${server.url}${JOBS}`)).status).toBe(401);
    expect(
      (await fetch(`${server.url}${JOBS}`, { headers: { authorization: "Bearer agk_wrong" } })).status,
    ).toBe(401);
    const res = await fetch(`${server.url}${JOBS}`, {
      method: "POST",
      headers,
      body: JSON.stringify({ imagery_list: [SCENES.l1.id] }),
    });
    expect(res.status).toBe(202);
    expect((await fetch(`${server.url}${JOBS}`, { headers })).status).toBe(200);
    await server.stop("SIGTERM");
    server = undefined;
    const log = await fs.readFile(path.join(sandbox.root, "server.log"), "utf8");
    expect(log).toMatch(/API keys loaded/);
    expect(log).toMatch(/"status":202/);
    expect(log).not.toContain(KEY);
    expect(log).not.toContain("agk_wrong");
  });

  it("warns at start-up when AUTH_DISABLED switches authentication off", async () => {
    sandbox = await createSandbox({ scenes: [] });
    const config = await fs.readFile(sandbox.configPath, "utf8");
    await fs.writeFile(sandbox.configPath, config.replace("console_level: CRITICAL", "console_level: INFO"));
    server = await startServer(sandbox);
    expect((await fetch(`${server.url}${JOBS}`)).status).toBe(200);
    await server.stop("SIGTERM");
    server = undefined;
    const log = await fs.readFile(path.join(sandbox.root, "server.log"), "utf8");
    expect(log).toMatch(/"level":40,.*AUTH_DISABLED is true/);
  });
});

describe("start-up with a bad config", () => {
  it.each([
    ["a missing required key", "PROJECTION", /invalid config .*: PROJECTION: is required/],
    ["a resolution that is not a number", "RESOLUTION: ten", /RESOLUTION: .*expected number/],
    ["a projection GDAL cannot read", 'PROJECTION: "+proj=nonsense"', /PROJECTION: GDAL cannot read it/],
    [
      "a geographic projection",
      'PROJECTION: "EPSG:4326"',
      /PROJECTION: is not a projected coordinate system/,
    ],
    [
      "neither API keys nor AUTH_DISABLED",
      "AUTH_DISABLED",
      /API_KEYS_FILE: is required .*AUTH_DISABLED: true/,
    ],
  ])("exits non-zero naming the key for %s", async (_what, line, message) => {
    sandbox = await createSandbox({ scenes: [] });
    const text = await fs.readFile(sandbox.configPath, "utf8");
    const key = line.split(":")[0]!;
    const lines = text.split("\n").filter((l) => !l.startsWith(`${key}:`));
    if (line.includes(":")) lines.push(line);
    await fs.writeFile(sandbox.configPath, lines.join("\n"));
    const result = spawnSync(process.execPath, [BUILT_SERVER, "--config", sandbox.configPath], {
      encoding: "utf8",
      timeout: 30_000,
      env: { ...process.env, PORT: "0" },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    // The message alone: no stack trace, no second error from the logger on the way out.
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/^\s+at |sonic boom/m);
  });

  it("exits with the message alone when the log file is in use (LOGGING_DIR set)", async () => {
    sandbox = await createSandbox({ scenes: [] });
    const text = await fs.readFile(sandbox.configPath, "utf8");
    const lines = text.split("\n").filter((l) => !l.startsWith("AUTH_DISABLED:"));
    lines.push(`LOGGING_DIR: ${path.join(sandbox.root, "logs")}`);
    await fs.writeFile(sandbox.configPath, lines.join("\n"));
    const result = spawnSync(process.execPath, [BUILT_SERVER, "--config", sandbox.configPath], {
      encoding: "utf8",
      timeout: 30_000,
      env: { ...process.env, PORT: "0", API_KEYS_FILE: "" },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/API_KEYS_FILE: is required/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});
