import os from "node:os";
import { describe, expect, it, vi } from "vitest";
import { LocalExecutor } from "../../../src/executors/local-executor.js";
import type { WorkerRecord } from "../../../src/executors/worker-record.js";

// The local executor's cancel of a whole job: every recorded worker stopped at once. Its real processes (stop,
// process groups, log files) are in test/integration/executors.

describe("LocalExecutor.stopAll", () => {
  it("stops every recorded worker in parallel and resolves once all are stopped", async () => {
    const executor = new LocalExecutor({ workerEntry: "/nowhere/main.js" });
    const record = (pid: number): WorkerRecord => ({
      executor: "local",
      pid,
      host: os.hostname(),
      startedAt: new Date().toISOString(),
    });
    const pending = new Map<number, () => void>();
    const stop = vi.spyOn(executor, "stop").mockImplementation(
      (r) =>
        new Promise<void>((resolve) => {
          if (r.executor === "local") pending.set(r.pid, resolve);
        }),
    );
    let resolved = false;
    const all = executor.stopAll("job", [record(101), record(102)]).then(() => (resolved = true));
    await vi.waitFor(() => expect(pending.size).toBe(2));
    pending.get(101)?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(resolved).toBe(false);
    pending.get(102)?.();
    await all;
    expect(stop).toHaveBeenCalledTimes(2);
  });

  it("waits for every stop even when one fails, then reports the failure", async () => {
    const executor = new LocalExecutor({ workerEntry: "/nowhere/main.js" });
    const record = (pid: number): WorkerRecord => ({
      executor: "local",
      pid,
      host: os.hostname(),
      startedAt: new Date().toISOString(),
    });
    const finished: number[] = [];
    vi.spyOn(executor, "stop").mockImplementation(async (r) => {
      if (r.executor !== "local") return;
      if (r.pid === 201) throw new Error("EPERM");
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished.push(r.pid);
    });
    await expect(executor.stopAll("job", [record(201), record(202)])).rejects.toThrow("EPERM");
    expect(finished).toEqual([202]);
  });
});
