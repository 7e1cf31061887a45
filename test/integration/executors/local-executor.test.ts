import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalExecutor } from "../../../src/executors/local-executor.js";
import { FIXTURE_WORKERS } from "../../helpers/paths.js";

// The local executor writes the worker's output where the launch says, and its account of an exit says where
// to read it. Real processes: the fixture workers.

const JOB = "0190a5c2-1b2c-7d3e-8f40-123456789abc";
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-local-"));
  await fs.mkdir(path.join(dir, JOB));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

describe("LocalExecutor", () => {
  it("writes the worker's streams to the launch's log files and points at its standard error on exit", async () => {
    const executor = new LocalExecutor({ workerEntry: path.join(FIXTURE_WORKERS, "fail.mjs") });
    const jobDir = path.join(dir, JOB);
    const logs = {
      stdout: path.join(jobDir, "out.txt"),
      stderr: path.join(jobDir, "err.txt"),
      combined: path.join(jobDir, "both.txt"),
    };
    const started = await executor.start({
      jobId: JOB,
      jobDir,
      task: { index: 0, attempt: 1 },
      cores: 1,
      threads: 1,
      logs,
    });
    expect(started.record).toMatchObject({ executor: "local", host: os.hostname() });
    expect(await started.exited).toEqual({ exitCode: 3, signal: undefined, logHint: "see err.txt" });
    expect(await fs.readFile(logs.stderr, "utf8")).toBe("fixture worker: failing on purpose\n");
    expect((await fs.readdir(jobDir)).sort()).toEqual(["err.txt", "out.txt"]);
  });
});
