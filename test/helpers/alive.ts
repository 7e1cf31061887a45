import { setTimeout as sleep } from "node:timers/promises";
import type { WorkerRecord } from "../../src/executors/worker-record.js";

// Process checks for tests of workers that must really be gone.

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Polls until the check passes; fails the test with `what` after the timeout. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The pid in a local worker record (these tests run the local executor). */
export function localPid(record: WorkerRecord | undefined): number | undefined {
  if (record === undefined) return undefined;
  if (record.executor !== "local") throw new Error(`expected a local worker, got ${record.executor}`);
  return record.pid;
}
