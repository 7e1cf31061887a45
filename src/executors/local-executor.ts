import fs from "node:fs";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { errnoCode } from "../common/errors.js";
import type { WorkerRecord } from "./worker-record.js";
import {
  workerArguments,
  type Executor,
  type StartedWorker,
  type WorkerExit,
  type WorkerLaunch,
  type WorkerStartup,
} from "./executor.js";

// Runs each task's worker as a detached Node process in its own process group, so that it outlives an API
// restart and so that cancelling kills GDAL and tar children along with it.

export interface LocalExecutorOptions {
  /** The built worker entry point (dist/worker/main.js). */
  readonly workerEntry: string;
  /** How long a worker gets to exit after SIGTERM before the group is killed. */
  readonly stopGraceMs?: number;
}

export class LocalExecutor implements Executor {
  readonly #workerEntry: string;
  readonly #stopGraceMs: number;

  constructor(options: LocalExecutorOptions) {
    this.#workerEntry = options.workerEntry;
    this.#stopGraceMs = options.stopGraceMs ?? 5_000;
  }

  async start(launch: WorkerLaunch): Promise<StartedWorker> {
    const { logs } = launch;
    // The worker writes straight to files it inherits, never through a pipe to this process, so it keeps
    // running (and logging) when the API stops. Node hands an open file stream's descriptor to the child.
    const stdout = await openLogFile(logs.stdout);
    const stderr = await openLogFile(logs.stderr);
    const spawn = () =>
      execa(process.execPath, [this.#workerEntry, ...workerArguments(launch)], {
        detached: true,
        cleanup: false,
        reject: false,
        stdin: "ignore",
        stdout,
        stderr,
      });
    let subprocess: ReturnType<typeof spawn>;
    try {
      subprocess = spawn();
    } finally {
      stdout.close();
      stderr.close();
    }
    const pid = subprocess.pid;
    if (pid === undefined) {
      const result = await subprocess;
      throw new Error(`could not start the worker: ${result.shortMessage ?? "no process id"}`);
    }
    subprocess.nodeChildProcess.unref();
    // What a worker that dies says last is on its standard error.
    const logHint = `see ${path.basename(logs.stderr)}`;
    const exited = subprocess.then((result) => ({
      exitCode: result.exitCode,
      signal: result.signal,
      logHint,
    }));
    return {
      record: { executor: "local", pid, host: os.hostname(), startedAt: new Date().toISOString() },
      exited,
    };
  }

  /** A process this one did not start cannot be waited for: its life and heartbeat are checked instead. */
  follow(): Promise<WorkerExit> | undefined {
    return undefined;
  }

  /** A process runs from the moment it is spawned. */
  startup(): Promise<WorkerStartup> {
    return Promise.resolve({ state: "running" });
  }

  isAlive(record: WorkerRecord): boolean {
    // A pid from another machine (or a worker of another executor) cannot be checked here; its heartbeat says
    // whether it lives.
    if (record.executor !== "local" || record.host !== os.hostname()) return true;
    return groupExists(record.pid);
  }

  async stop(record: WorkerRecord): Promise<void> {
    // A pid recorded on another machine means nothing here: never signal whatever process holds it locally.
    if (record.executor !== "local" || record.host !== os.hostname()) return;
    if (!groupExists(record.pid)) return;
    signalGroup(record.pid, "SIGTERM");
    const deadline = Date.now() + this.#stopGraceMs;
    while (groupExists(record.pid)) {
      if (Date.now() >= deadline) {
        signalGroup(record.pid, "SIGKILL");
        await waitUntil(() => !groupExists(record.pid), 10_000);
        return;
      }
      await sleep(50);
    }
  }

  /**
   * Stops every recorded worker at once (a job's workers here are the processes it recorded) and resolves once
   * all are gone; a stop that failed is thrown only then.
   */
  async stopAll(_jobId: string, records: readonly WorkerRecord[]): Promise<void> {
    const stopped = await Promise.allSettled(records.map((record) => this.stop(record)));
    const failed = stopped.find((result) => result.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }

  async close(): Promise<void> {
    // Nothing is held: workers are detached and unreferenced.
  }
}

async function openLogFile(file: string): Promise<fs.WriteStream> {
  const stream = fs.createWriteStream(file, { flags: "a" });
  await once(stream, "open");
  return stream;
}

/** The worker is its group's leader (detached), so the group id is its pid. */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === "EPERM";
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if (errnoCode(error) !== "ESRCH") throw error;
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) throw new Error("worker process group did not exit after SIGKILL");
    await sleep(50);
  }
}
