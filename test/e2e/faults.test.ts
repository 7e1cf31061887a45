import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { errnoCode } from "../../src/common/errors.js";
import { PUBLISH_ROOT } from "../../src/jobs/publish-paths.js";
import type { StatusDocument } from "../../src/jobs/status-document.js";
import { isAlive, waitFor } from "../helpers/alive.js";
import { SCENES } from "../helpers/paths.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

// Fault injection with real processes: the built server, real workers on real fixture scenes, real signals,
// and real full or read-only file systems (small tmpfs mounts; the test machines run as root).

const JOBS = "/agricarta/preprocessing";
let sandbox: Sandbox | undefined;
let server: ServerProcess | undefined;
const mounts: string[] = [];

afterEach(async () => {
  await server?.stop("SIGKILL");
  server = undefined;
  for (const dir of mounts.splice(0)) execFileSync("umount", ["-l", dir]);
  await sandbox?.remove();
  sandbox = undefined;
});

async function submit(body: unknown): Promise<string> {
  const res = await fetch(`${server!.url}${JOBS}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { jobID: string }).jobID;
}

async function statusOf(jobId: string): Promise<StatusDocument> {
  return (await (await fetch(`${server!.url}${JOBS}/${jobId}`)).json()) as StatusDocument;
}

function until(jobId: string, test: (doc: StatusDocument) => boolean, what: string, timeoutMs = 120_000) {
  return waitFor(
    async () => {
      const doc = await statusOf(jobId);
      return test(doc) ? doc : undefined;
    },
    `job ${jobId} ${what}`,
    timeoutMs,
  );
}

const finished = (doc: StatusDocument): boolean => ["successful", "failed", "dismissed"].includes(doc.status);

async function workerPidOf(jobId: string): Promise<number> {
  return waitFor(async () => {
    const text = await fs
      .readFile(path.join(sandbox!.workingDir, jobId, "worker.json"), "utf8")
      .catch(() => "");
    return text === "" ? undefined : (JSON.parse(text) as { pid: number }).pid;
  }, "the worker to start");
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Entries of the publication root, hidden ones (a half-assembled .partial) included. */
async function publicationEntries(): Promise<string[]> {
  // The storage itself must be there (a wrong path fails here); the publication root appears with the first
  // publication, so until then nothing is published.
  await fs.access(sandbox!.storage);
  return fs.readdir(path.join(sandbox!.storage, PUBLISH_ROOT)).catch((error: unknown) => {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  });
}

/** A tmpfs of `kb` kilobytes at dir (read-only when asked), unmounted after the test. */
async function mountTmpfs(dir: string, kb: number, readOnly = false): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${kb}k${readOnly ? ",ro" : ""}`, "tmpfs", dir]);
  mounts.push(dir);
}

describe("a worker killed with SIGKILL mid-job", () => {
  it("fails the job with the reason at once; nothing half-written is published; staging is removed", async () => {
    sandbox = await createSandbox({ scenes: [SCENES.l2] });
    server = await startServer(sandbox);
    const jobId = await submit({ imagery_list: [SCENES.l2.id], resolution: 40, cores: 1 });
    const pid = await workerPidOf(jobId);
    // Kill it once it is past staging and into the pixels.
    await until(jobId, (doc) => doc.progress > 0 && doc.message.includes("archived"), "to be processing");
    process.kill(pid, "SIGKILL");
    const killedAt = Date.now();
    const doc = await until(jobId, finished, "to fail", 30_000);
    expect(doc.status).toBe("failed");
    expect(doc.message).toMatch(/worker stopped before finishing \(signal SIGKILL\)/);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(await publicationEntries()).toEqual([]);
    expect(await exists(path.join(sandbox.workingDir, jobId, "imagery"))).toBe(false);
    // The service goes on: the next job runs.
    const next = await submit({ imagery_list: [SCENES.l2.id], resolution: 600, cores: 1 });
    expect((await until(next, finished, "to finish")).status).toBe("successful");
    expect(await publicationEntries()).toEqual([next]);
  }, 180_000);
});

describe("the API server killed with SIGKILL while jobs run and wait", () => {
  it("restarts, keeps the running worker, starts the queued jobs, and runs every job exactly once", async () => {
    sandbox = await createSandbox({
      scenes: [SCENES.l2, SCENES.l1],
      configLines: ["MAX_CONCURRENT_JOBS: 1", "HEARTBEAT_INTERVAL: 1", "HEARTBEAT_TIMEOUT: 30"],
    });
    server = await startServer(sandbox);
    const running = await submit({ imagery_list: [SCENES.l2.id], resolution: 40, cores: 1 });
    const queued = [
      await submit({ imagery_list: [SCENES.l1.id], resolution: 300, cores: 1 }),
      await submit({ imagery_list: [SCENES.l1.id], resolution: 600, cores: 1 }),
    ];
    const workerPid = await workerPidOf(running);
    expect((await statusOf(queued[0]!)).status).toBe("accepted");
    expect(await server.stop("SIGKILL")).toBe(null);
    server = undefined;
    expect(isAlive(workerPid)).toBe(true);

    server = await startServer(sandbox);
    for (const jobId of [running, ...queued]) {
      expect((await until(jobId, finished, "to finish")).status, jobId).toBe("successful");
      const log = await fs.readFile(path.join(sandbox.workingDir, jobId, "job_log.txt"), "utf8");
      expect(log.match(/^Job id: /gm), `${jobId} ran once`).toHaveLength(1);
    }
    // The adopted worker was the one that finished the first job: no second worker was started for it.
    const record = JSON.parse(
      await fs.readFile(path.join(sandbox.workingDir, running, "worker.json"), "utf8"),
    );
    expect(record.pid).toBe(workerPid);
  }, 240_000);
});

describe("a full or unwritable output volume", () => {
  it.each([
    ["full (ENOSPC)", 8, false, /no space left on device/i],
    ["read-only (EROFS)", 64, true, /read-only file system/i],
  ])(
    "fails the job with a clear message when the publication volume is %s, and keeps serving",
    async (_what, kb, readOnly, message) => {
      sandbox = await createSandbox({ scenes: [SCENES.l1] });
      await mountTmpfs(path.join(sandbox.storage, "agricarta"), kb, readOnly);
      server = await startServer(sandbox);
      const jobId = await submit({ imagery_list: [SCENES.l1.id], resolution: 300, cores: 1 });
      const doc = await until(jobId, finished, "to finish");
      expect(doc.status).toBe("failed");
      expect(doc.message).toMatch(message);
      expect(doc.message).not.toContain(sandbox.root);
      expect(await fs.readFile(path.join(sandbox.workingDir, jobId, "job_log.txt"), "utf8")).toMatch(message);
      // Nothing half-copied is left on the volume, and the service still answers.
      expect((await publicationEntries()).filter((e) => e.startsWith("."))).toEqual([]);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}${JOBS}`)).status).toBe(200);
    },
    120_000,
  );

  it("fails a job whose working volume fills up while staging, removes its staged files, keeps serving", async () => {
    sandbox = await createSandbox({ scenes: [SCENES.l2] });
    // Room for the job's own files, not for a copy of the 9 MB scene.
    await mountTmpfs(sandbox.workingDir, 2048);
    server = await startServer(sandbox);
    const jobId = await submit({ imagery_list: [SCENES.l2.id], resolution: 300, cores: 1 });
    const doc = await until(jobId, finished, "to finish");
    expect(doc.status).toBe("failed");
    expect(doc.message).toMatch(/no space left on device/i);
    expect(await exists(path.join(sandbox.workingDir, jobId, "imagery"))).toBe(false);
    const used = execFileSync("df", ["-k", "--output=used", sandbox.workingDir], { encoding: "utf8" });
    expect(Number(used.trim().split("\n")[1])).toBeLessThan(512);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await statusOf(jobId)).status).toBe("failed");
  }, 120_000);
});

describe("SIGTERM", () => {
  it("stops accepting, finishes the request in flight, exits 0 in the grace period, leaves workers running", async () => {
    sandbox = await createSandbox({ scenes: [SCENES.l2] });
    server = await startServer(sandbox);
    const running = await submit({ imagery_list: [SCENES.l2.id], resolution: 40, cores: 1 });
    const workerPid = await workerPidOf(running);

    // A submission whose body is still arriving when the signal comes.
    const body = JSON.stringify({ imagery_list: [SCENES.l2.id], resolution: 600, cores: 1 });
    const { port } = new URL(server.url);
    const inFlight = http.request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: JOBS,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      inFlight.on("response", (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      inFlight.on("error", reject);
    });
    inFlight.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const stopping = server.stop("SIGTERM");
    const signalledAt = Date.now();
    server = undefined;
    // New connections are refused while the old one is still open.
    await waitFor(
      async () =>
        (await fetch(`http://127.0.0.1:${port}/healthz`).then(
          () => false,
          () => true,
        )) || undefined,
      "the server to stop accepting",
    );
    inFlight.end(body.slice(10));
    const { status, text } = await answer;
    expect(status).toBe(202);
    const accepted = (JSON.parse(text) as { jobID: string }).jobID;
    expect(await stopping).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(isAlive(workerPid)).toBe(true);
    // The job accepted during shutdown is on disk, waiting for the next server to start it.
    expect(await exists(path.join(sandbox.workingDir, accepted, "status.json"))).toBe(true);
    server = await startServer(sandbox);
    expect((await until(accepted, finished, "to finish")).status).toBe("successful");
    expect((await until(running, finished, "to finish")).status).toBe("successful");
  }, 180_000);
});
