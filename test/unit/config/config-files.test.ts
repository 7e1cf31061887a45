import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOCAL_POOL_DEFAULT } from "../../../src/config/config.js";
import { loadConfig } from "../../../src/config/load-config.js";
import { REPO } from "../../helpers/paths.js";

// The configuration files the repository ships must load: the documented example, the demo's and k8s/'s.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agricarta-config-files-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

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
      maxParallelScenes: LOCAL_POOL_DEFAULT,
      sceneRetries: 1,
      leaderElection: undefined,
      sensors: { LC8: { bands: ["B2", "B3", "B4", "B5", "B6", "B7"], product: "sr", resampClip: true } },
      executor: { kind: "local" },
    });
  });

  it("config.example.yaml's KUBERNETES block is valid: with EXECUTOR: kubernetes it is the executor's", () => {
    const text = fs.readFileSync(path.join(REPO, "config.example.yaml"), "utf8");
    const file = path.join(tmp, "example-kubernetes.yaml");
    fs.writeFileSync(file, text.replace(/^EXECUTOR: local$/m, "EXECUTOR: kubernetes"));
    expect(loadConfig(file, { KUBERNETES_SERVICE_HOST: "10.96.0.1" }).executor).toEqual({
      kind: "kubernetes",
      namespace: "agricarta",
      kubeconfig: undefined,
      workerImage: "registry.example.org/agricarta-preprocessing:1.0.0",
      imagePullPolicy: "IfNotPresent",
      workerCommand: ["node", "/app/dist/worker/main.js"],
      volumeClaim: "agricarta-storage",
      volumeMountPath: "/code",
      memoryRequest: "2Gi",
      memoryLimit: "8Gi",
      serviceAccount: undefined,
      ttlAfterFinishedSeconds: 3600,
    });
  });

  it("config.example.yaml's LEADER_ELECTION block, uncommented, is valid with EXECUTOR: kubernetes only", () => {
    const text = fs
      .readFileSync(path.join(REPO, "config.example.yaml"), "utf8")
      .replace(/^# (LEADER_ELECTION:)$/m, "$1")
      .replace(/^# ( {2}[A-Z_]+: .*)$/gm, "$1");
    const kubernetes = path.join(tmp, "example-leader.yaml");
    fs.writeFileSync(kubernetes, text.replace(/^EXECUTOR: local$/m, "EXECUTOR: kubernetes"));
    const config = loadConfig(kubernetes, { KUBERNETES_SERVICE_HOST: "10.96.0.1" });
    expect(config.leaderElection).toEqual({
      leaseName: "agricarta-preprocessing-leader",
      leaseDurationMs: 15_000,
      renewPeriodMs: 5000,
    });
    expect(config.maxParallelScenes).toBe(10);
    const local = path.join(tmp, "example-leader-local.yaml");
    fs.writeFileSync(local, text);
    expect(() => loadConfig(local, {})).toThrow(/LEADER_ELECTION/);
  });

  it.each(["local", "kubernetes"])("k8s/ ships a config.yaml for the %s executor that loads", (executor) => {
    const file = path.join(REPO, "k8s", executor === "local" ? "base" : "overlays/kubernetes", "config.yaml");
    // As in the pod the manifests deploy: in-cluster configuration.
    const config = loadConfig(file, { KUBERNETES_SERVICE_HOST: "10.96.0.1" });
    expect(config.executor.kind).toBe(executor);
    expect(config.imageryStorage).toBe("/code/miniostorage");
    expect(config.workingDir).toBe("/code/miniostorage/agricarta/workingdir");
    // Two API replicas elect a leader with the Kubernetes executor; the local one runs a single replica.
    if (executor === "kubernetes") {
      expect(config).toMatchObject({
        maxParallelScenes: 10,
        sceneRetries: 1,
        leaderElection: {
          leaseName: "agricarta-preprocessing-leader",
          leaseDurationMs: 15_000,
          renewPeriodMs: 5000,
        },
      });
    } else {
      expect(config.leaderElection).toBeUndefined();
    }
  });

  it("examples/config.yaml loads with paths inside examples/", () => {
    const config = loadConfig(path.join(REPO, "examples", "config.yaml"), {});
    expect(config.imageryStorage).toBe(path.join(REPO, "examples", "storage"));
    expect(config.workingDir).toBe(path.join(REPO, "examples", "workingdir"));
  });
});
