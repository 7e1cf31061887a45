import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { errnoCode } from "../../src/common/errors.js";
import { PUBLISH_ROOT } from "../../src/jobs/publish-paths.js";
import type { StatusDocument } from "../../src/jobs/status-document.js";
import {
  TaskDocumentSchema,
  TaskRunsSchema,
  type TaskAttempt,
  type TaskDocument,
} from "../../src/jobs/task-document.js";
import { isAlive, localPid, waitFor } from "../helpers/alive.js";
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

/** A task's attempts as the API recorded them in tasks/<index>.runs.json; [] before its first worker starts. */
async function attemptsOf(jobId: string, index = 0): Promise<TaskAttempt[]> {
  const file = path.join(sandbox!.workingDir, jobId, "tasks", `${index}.runs.json`);
  const text = await fs.readFile(file, "utf8").catch(() => "");
  return text === "" ? [] : TaskRunsSchema.parse(JSON.parse(text)).attempts;
}

/** The pid of the worker that runs an attempt at a task, once it has started. */
async function workerPidOf(jobId: string, index = 0, attempt = 1): Promise<number> {
  return waitFor(
    async () => localPid((await attemptsOf(jobId, index)).find((a) => a.attempt === attempt)?.worker),
    `attempt ${attempt} at task ${index} of job ${jobId} to start`,
  );
}

/** A task's document as its worker wrote it (tasks/<index>.json); undefined before it writes one. */
async function taskOf(jobId: string, index = 0): Promise<TaskDocument | undefined> {
  const file = path.join(sandbox!.workingDir, jobId, "tasks", `${index}.json`);
  const text = await fs.readFile(file, "utf8").catch(() => "");
  return text === "" ? undefined : TaskDocumentSchema.parse(JSON.parse(text));
}

/** Files under a folder, recursively, relative to it ([] when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
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
    sandbox = await createSandbox({ scenes: [SCENES.l1, SCENES.l2] });
    server = await startServer(sandbox);
    // Two cores: a worker for each scene at once. The fine grid keeps the first scene's worker in its pixels
    // long enough to be killed there; the second scene succeeds and is published without it.
    const [killed, kept] = [SCENES.l1.id, SCENES.l2.id];
    const jobId = await submit({ imagery_list: [killed, kept], resolution: 40, cores: 2 });
    const half = path.join(sandbox.workingDir, jobId, "output", "preprocess", killed);
    /** Kills an attempt at the first scene once it has written a band of its outputs, not all of them. */
    const killHalfWay = async (attempt: number, when: () => Promise<boolean> | boolean = () => true) => {
      const pid = await workerPidOf(jobId, 0, attempt);
      await waitFor(
        async () => {
          const task = await taskOf(jobId, 0);
          if (task?.attempt !== attempt || task.status !== "running" || task.percent <= 40) return false;
          return (await filesUnder(half)).some((file) => file.endsWith(".tif")) && (await when());
        },
        `attempt ${attempt} to be half-way through its pixels`,
        120_000,
      );
      process.kill(pid, "SIGKILL");
      return Date.now();
    };

    // An infrastructure death: the scene is run again (SCENE_RETRIES 1), and killed again.
    await killHalfWay(1);
    // Killed again once the other scene has ended: then nothing but the dead worker keeps the job from ending.
    const killedAt = await killHalfWay(2, async () => (await taskOf(jobId, 1))?.status === "successful");
    const doc = await until(jobId, finished, "to fail", 30_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(doc.status).toBe("failed");
    expect(doc.message).toBe(`1 of 2 scene(s) failed: ${killed}`);
    expect(doc.scenes.map((s) => s.status)).toEqual(["failed", "successful"]);
    expect(doc.scenes[0]!.message).toBe(
      "Worker stopped before finishing: signal SIGKILL; see 0.2.worker.stderr.log",
    );
    expect(doc.scenes[0]!.outputs).toEqual([]);
    // The killed scene ran twice (the first death retried, the second not); the other one once.
    expect((await attemptsOf(jobId, 0)).map((a) => [a.attempt, a.ended?.retried])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect((await attemptsOf(jobId, 1)).map((a) => [a.attempt, a.ended])).toEqual([[1, undefined]]);
    const log = await fs.readFile(path.join(sandbox.workingDir, jobId, "job_log.txt"), "utf8");
    expect(log).toContain(
      `Image: ${killed} RETRIED: attempt 1 ended: signal SIGKILL; see 0.1.worker.stderr.log\n`,
    );
    expect(log).toContain(
      `Image: ${killed} FAILED: worker stopped before finishing (signal SIGKILL; see 0.2.worker.stderr.log)\n`,
    );
    expect(log).toContain(`Image: ${kept} PREPROCESSED\n`);
    // Only the other scene is published, whole; nothing of the killed one, and no half-assembled folder.
    expect(await publicationEntries()).toEqual([jobId]);
    const published = await filesUnder(path.join(sandbox.storage, doc.outputDir!));
    expect(published.filter((file) => file.includes(killed))).toEqual([]);
    expect(doc.scenes[1]!.outputs.length).toBeGreaterThan(0);
    for (const output of doc.scenes[1]!.outputs) expect(published).toContain(output);
    expect(await exists(half)).toBe(false);
    expect(await exists(path.join(sandbox.workingDir, jobId, "imagery"))).toBe(false);
    // The service goes on: the next job runs.
    const next = await submit({ imagery_list: [kept], resolution: 600, cores: 1 });
    expect((await until(next, finished, "to finish")).status).toBe("successful");
    expect((await publicationEntries()).sort()).toEqual([jobId, next].sort());
  }, 300_000);
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
    const scenes = { [running]: SCENES.l2.id, [queued[0]!]: SCENES.l1.id, [queued[1]!]: SCENES.l1.id };
    for (const jobId of [running, ...queued]) {
      expect((await until(jobId, finished, "to finish")).status, jobId).toBe("successful");
      // Once: one attempt (none ended early, none retried), one worker's output, the scene preprocessed once.
      const attempts = await attemptsOf(jobId);
      expect(
        attempts.map((a) => [a.attempt, a.ended]),
        `${jobId} attempts`,
      ).toEqual([[1, undefined]]);
      expect((await taskOf(jobId))?.attempt).toBe(1);
      const tasks = await fs.readdir(path.join(sandbox.workingDir, jobId, "tasks"));
      expect(
        tasks.filter((f) => f.endsWith(".worker.stdout.log")),
        jobId,
      ).toEqual(["0.1.worker.stdout.log"]);
      const log = await fs.readFile(path.join(sandbox.workingDir, jobId, "job_log.txt"), "utf8");
      expect(log.match(/^Job id: /gm), `${jobId} ran once`).toHaveLength(1);
      expect(log.match(/^.* PREPROCESSED$/gm), `${jobId} preprocessed once`).toEqual([
        `Image: ${scenes[jobId]} PREPROCESSED`,
      ]);
      expect(log).not.toMatch(/RETRIED|FAILED/);
    }
    // The adopted worker was the one that finished the first job: no second worker was started for it.
    expect(localPid((await attemptsOf(running))[0]!.worker)).toBe(workerPid);
    expect((await publicationEntries()).sort()).toEqual([running, ...queued].sort());
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
    expect(doc.message).toBe(`1 of 1 scene(s) failed: ${SCENES.l2.id}`);
    expect(doc.scenes[0]!.message).toMatch(/^Failed: .*no space left on device/i);
    expect(doc.scenes[0]!.message).not.toContain(sandbox.root);
    // A scene that fails on its data (here the volume it stages to) is not run again.
    expect((await attemptsOf(jobId)).map((a) => [a.attempt, a.ended])).toEqual([[1, undefined]]);
    const log = await fs.readFile(path.join(sandbox.workingDir, jobId, "job_log.txt"), "utf8");
    expect(log).toMatch(new RegExp(`^Image: ${SCENES.l2.id} FAILED: .*no space left on device`, "im"));
    expect(log).not.toContain("RETRIED");
    expect(await publicationEntries()).toEqual([]);
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
    // The job accepted during shutdown is on disk, for the next server if this one did not start it.
    expect(await exists(path.join(sandbox.workingDir, accepted, "status.json"))).toBe(true);
    server = await startServer(sandbox);
    expect((await until(accepted, finished, "to finish")).status).toBe("successful");
    expect((await until(running, finished, "to finish")).status).toBe("successful");
    // The worker left running was taken over by the next server and finished the job: no other was started.
    const attempts = await attemptsOf(running);
    expect(attempts.map((a) => [a.attempt, a.ended])).toEqual([[1, undefined]]);
    expect(localPid(attempts[0]!.worker)).toBe(workerPid);
    expect((await attemptsOf(accepted)).map((a) => [a.attempt, a.ended])).toEqual([[1, undefined]]);
  }, 180_000);
});
