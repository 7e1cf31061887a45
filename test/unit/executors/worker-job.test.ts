import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { KubernetesExecutorConfig } from "../../../src/config/config.js";
import { jobOutcome } from "../../../src/executors/kubernetes/job-outcome.js";
import { buildWorkerJob, jobDirOf, WORKER_SELECTOR } from "../../../src/executors/kubernetes/worker-job.js";

// The worker Job's manifest and how an ended Job is read; the cluster suite checks both against a real
// API server.

const kubernetes: KubernetesExecutorConfig = {
  kind: "kubernetes",
  namespace: "agricarta",
  kubeconfig: undefined,
  workerImage: "agricarta:1",
  imagePullPolicy: "Always",
  workerCommand: ["node", "/app/dist/worker/main.js"],
  volumeClaim: "storage",
  volumeMountPath: "/data",
  memoryRequest: "1Gi",
  memoryLimit: "4Gi",
  serviceAccount: "worker",
  ttlAfterFinishedSeconds: 60,
};
const jobId = "0190a5c2-1b2c-7d3e-8f40-123456789abc";

describe("buildWorkerJob", () => {
  const job = buildWorkerJob(
    { jobId, jobDir: `/data/work/${jobId}`, cores: 4 },
    { namespace: "agricarta", kubernetes, activeDeadlineSeconds: 7200 },
  );

  it("names and labels the Job by its job id, selectable with the other worker Jobs", () => {
    expect(job.metadata?.name).toBe(`agricarta-${jobId}`);
    expect(job.metadata?.labels?.["agricarta.io/job-id"]).toBe(jobId);
    for (const pair of WORKER_SELECTOR.split(",")) {
      const [key, value] = pair.split("=");
      expect(job.metadata?.labels?.[key!]).toBe(value);
      expect(job.spec?.template.metadata?.labels?.[key!]).toBe(value);
    }
  });

  it("runs the worker once on the job directory, with the job's cores and the configured limits", () => {
    expect(job.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 7200,
      ttlSecondsAfterFinished: 60,
    });
    const pod = job.spec?.template.spec;
    expect(pod).toMatchObject({ restartPolicy: "Never", serviceAccountName: "worker" });
    expect(pod?.containers[0]).toMatchObject({
      image: "agricarta:1",
      imagePullPolicy: "Always",
      command: ["node", "/app/dist/worker/main.js"],
      args: [`/data/work/${jobId}`],
      resources: { requests: { cpu: "4", memory: "1Gi" }, limits: { memory: "4Gi" } },
    });
    expect(jobDirOf(job)).toBe(`/data/work/${jobId}`);
  });
});

describe("jobOutcome", () => {
  const base: V1Job = { metadata: { name: "agricarta-x", namespace: "ns" } };
  const withCondition = (type: string, reason?: string, message?: string): V1Job => ({
    ...base,
    status: {
      conditions: [{ type, status: "True", ...(reason && { reason }), ...(message && { message }) }],
    },
  });
  const pod = (terminated: object, reason?: string): V1Pod =>
    ({
      metadata: { name: "agricarta-x-abcde" },
      status: { ...(reason && { reason }), containerStatuses: [{ name: "worker", state: { terminated } }] },
    }) as V1Pod;

  it("is still running until the Job has a Complete or Failed condition", () => {
    expect(jobOutcome(base)).toEqual({ ended: false });
    expect(jobOutcome({ ...base, status: { conditions: [{ type: "Failed", status: "False" }] } })).toEqual({
      ended: false,
    });
  });

  it("says a completed Job succeeded", () => {
    expect(jobOutcome(withCondition("Complete"))).toMatchObject({
      ended: true,
      succeeded: true,
      exitCode: 0,
    });
  });

  it("explains a failed Job with its condition and its pod's container", () => {
    const outcome = jobOutcome(
      withCondition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
      [pod({ exitCode: 137, reason: "OOMKilled" })],
    );
    expect(outcome).toEqual({
      ended: true,
      succeeded: false,
      exitCode: 137,
      reason:
        "Kubernetes Job ns/agricarta-x failed (BackoffLimitExceeded: Job has reached the specified backoff limit); " +
        "pod agricarta-x-abcde: container worker OOMKilled, exit code 137",
    });
  });

  it("includes a pod-level reason such as an eviction", () => {
    const outcome = jobOutcome(withCondition("Failed", "BackoffLimitExceeded"), [
      pod({ exitCode: 143, reason: "Error", signal: 15 }, "Evicted"),
    ]);
    expect(outcome.ended && outcome.reason).toMatch(
      /pod agricarta-x-abcde: Evicted; container worker Error, exit code 143, signal 15$/,
    );
  });
});
