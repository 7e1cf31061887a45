import { describe, expect, it } from "vitest";
import type { KubernetesExecutorConfig } from "../../../src/config/config.js";
import { buildWorkerJob, logFileOf, WORKER_SELECTOR } from "../../../src/executors/kubernetes/worker-job.js";

// The worker Job's manifest; the cluster suite checks it against a real API server.

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
    {
      jobId,
      jobDir: `/data/work/${jobId}`,
      cores: 4,
      logs: { stdout: "/x/out", stderr: "/x/err", combined: `/data/work/${jobId}/worker.log` },
    },
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
  });

  it("records on the Job where its pod's log is to be saved, for whichever API process sees it end", () => {
    expect(logFileOf(job)).toBe(`/data/work/${jobId}/worker.log`);
    expect(logFileOf({ metadata: { name: "older" } })).toBeUndefined();
  });
});
