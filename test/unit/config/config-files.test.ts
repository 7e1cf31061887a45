import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { REPO } from "../../helpers/paths.js";

// The configuration files the repository ships must load: the documented example and the demo's.

describe("shipped config files", () => {
  it("config.example.yaml loads, with the values it documents", () => {
    const config = loadConfig(path.join(REPO, "config.example.yaml"), {});
    expect(config).toMatchObject({
      workingDir: "/code/workingdir",
      resolution: 30,
      cpuCores: 4,
      maxConcurrentJobs: 4,
      maxScenesPerJob: 100,
      heartbeatIntervalMs: 5000,
      heartbeatTimeoutMs: 60_000,
      port: 5000,
      staging: "copy",
      jobTimeoutMs: 21_600_000,
      landsat: { bands: ["B2", "B3", "B4", "B5", "B6", "B7"], product: "sr", resampClip: true },
    });
  });

  it("examples/config.yaml loads with paths inside examples/", () => {
    const config = loadConfig(path.join(REPO, "examples", "config.yaml"), {});
    expect(config.imageryStorage).toBe(path.join(REPO, "examples", "storage"));
    expect(config.workingDir).toBe(path.join(REPO, "examples", "workingdir"));
  });
});
