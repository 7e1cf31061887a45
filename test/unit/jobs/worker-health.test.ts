import { describe, expect, it } from "vitest";
import type { Executor, WorkerStartup } from "../../../src/executors/executor.js";
import type { WorkerRecord } from "../../../src/executors/worker-record.js";
import { workerProblem, type HealthRules } from "../../../src/jobs/worker-health.js";

// Whether a task's worker can still be trusted to finish it, decided from the record, the task document's last
// heartbeat, the clock and what the executor says.

const NOW = new Date("2025-06-01T12:00:00Z");
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

function executor(alive: boolean, startup: WorkerStartup = { state: "running" }): Executor {
  return {
    isAlive: () => alive,
    startup: () => Promise.resolve(startup),
  } as unknown as Executor;
}

const record = (startedSecondsAgo: number): WorkerRecord => ({
  executor: "local",
  pid: 4242,
  host: "worker-host",
  startedAt: ago(startedSecondsAgo).toISOString(),
});
/** Not heard from yet: the worker has not written its task document. */
const accepted = (): undefined => undefined;
/** Its task document's last heartbeat. */
const running = (updatedSecondsAgo: number): Date => ago(updatedSecondsAgo);

const rules = (exec: Executor): HealthRules => ({
  executor: exec,
  now: NOW,
  jobTimeoutMs: 3_600_000,
  heartbeatTimeoutMs: 60_000,
});

describe("workerProblem", () => {
  it("is fine for a live worker with a fresh heartbeat", async () => {
    expect(await workerProblem(record(120), running(10), rules(executor(true)))).toBeUndefined();
  });

  it("says a worker that has exited is gone, naming it", async () => {
    expect(await workerProblem(record(120), running(10), rules(executor(false)))).toBe(
      "worker is gone (pid 4242 on worker-host has exited)",
    );
  });

  it("stops a worker past JOB_TIMEOUT, whatever its heartbeat", async () => {
    expect(await workerProblem(record(3_601), running(1), rules(executor(true)))).toBe(
      "worker exceeded JOB_TIMEOUT (3600 s) and was stopped",
    );
  });

  it("says how long a running worker has been silent past HEARTBEAT_TIMEOUT", async () => {
    expect(await workerProblem(record(300), running(90), rules(executor(true)))).toBe(
      "worker stopped responding: no heartbeat for 90 s",
    );
  });

  it("lets a worker that has not reported yet be, while young or while it waits for its turn", async () => {
    expect(await workerProblem(record(30), accepted(), rules(executor(true)))).toBeUndefined();
    const waiting = executor(true, { state: "waiting", reason: "no node has room" });
    expect(await workerProblem(record(600), accepted(), rules(waiting))).toBeUndefined();
  });

  it("fails a worker stuck before it started, with the executor's reason", async () => {
    const stuck = executor(true, { state: "stuck", reason: "image cannot be pulled" });
    expect(await workerProblem(record(600), accepted(), rules(stuck))).toBe(
      "worker could not start: image cannot be pulled",
    );
  });

  it("counts the silence of a late starter from when it started running", async () => {
    const lateStart = executor(true, { state: "running", since: ago(20) });
    expect(await workerProblem(record(600), accepted(), rules(lateStart))).toBeUndefined();
    const longAgo = executor(true, { state: "running", since: ago(100) });
    expect(await workerProblem(record(600), accepted(), rules(longAgo))).toBe(
      "worker stopped responding: no heartbeat for 100 s",
    );
  });
});
