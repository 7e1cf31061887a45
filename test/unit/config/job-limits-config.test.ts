import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { REPO } from "../../helpers/paths.js";

// MAX_QUEUED_JOBS_PER_OWNER and RESULTS_RETENTION: their defaults and their checks.

const SEED_CONFIG = path.join(REPO, "test", "fixtures", "config", "seed-config.yaml");
const seedText = fs.readFileSync(SEED_CONFIG, "utf8");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agricarta-limits-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
const withLines = (...lines: string[]) => {
  const file = path.join(tmp, `config-${counter++}.yaml`);
  fs.writeFileSync(file, `${seedText}\n${lines.join("\n")}\n`);
  return loadConfig(file, {});
};

describe("per-owner queue limit and results retention", () => {
  it("default to a quarter of MAX_QUEUED_JOBS (at least 1) and to keeping results for ever", () => {
    expect(loadConfig(SEED_CONFIG, {})).toMatchObject({
      maxQueuedJobsPerOwner: 250,
      resultsRetentionMs: undefined,
    });
    expect(withLines("MAX_QUEUED_JOBS: 2").maxQueuedJobsPerOwner).toBe(1);
    expect(withLines("MAX_QUEUED_JOBS: 10").maxQueuedJobsPerOwner).toBe(3);
  });

  it("take the values given, RESULTS_RETENTION in seconds", () => {
    expect(withLines("MAX_QUEUED_JOBS_PER_OWNER: 7", "RESULTS_RETENTION: 86400")).toMatchObject({
      maxQueuedJobsPerOwner: 7,
      resultsRetentionMs: 86_400_000,
    });
  });

  it("refuse values that make no sense, naming the key", () => {
    expect(() => withLines("MAX_QUEUED_JOBS_PER_OWNER: 0")).toThrow(/MAX_QUEUED_JOBS_PER_OWNER/);
    expect(() => withLines("RESULTS_RETENTION: -1")).toThrow(/RESULTS_RETENTION/);
  });
});
