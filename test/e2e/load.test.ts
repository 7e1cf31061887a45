import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/paths.js";

// The load test (npm run loadtest) at a small size, so that CI keeps it honest: it must run, and every
// invariant it checks must hold.

describe("the load test at a small size", () => {
  it("accepts every submission once, gives each one directory, and ends every job", () => {
    const result = spawnSync(
      process.execPath,
      [path.join(REPO, "scripts", "loadtest.mjs"), "--submissions", "120", "--clients", "12", "--json"],
      { encoding: "utf8", timeout: 170_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout.trim().split("\n").pop()!);
    expect(report.failures).toEqual([]);
    expect(report.accepted).toBe(120);
    expect(report.jobDirectories).toBe(120);
    expect(report.terminal).toEqual({ successful: 120 });
    expect(report.statuses["202"]).toBe(120);
    expect(Object.keys(report.statuses).every((code) => Number(code) < 500)).toBe(true);
  }, 180_000);
});
