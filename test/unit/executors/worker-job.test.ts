import { describe, expect, it } from "vitest";
import type { KubernetesExecutorConfig } from "../../../src/config/config.js";
import type { WorkerLaunch } from "../../../src/executors/executor.js";
import {
  buildWorkerJob,
  isJobOf,
  logFileOf,
  workerJobName,
  WORKER_SELECTOR,
} from "../../../src/executors/kubernetes/worker-job.js";

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

const launch: WorkerLaunch = {
  jobId,
  jobDir: `/data/work/${jobId}`,
  task: { index: 12, attempt: 2 },
  cores: 4,
  threads: 4,
  logs: { stdout: "/x/out", stderr: "/x/err", combined: `/data/work/${jobId}/worker.log` },
};

describe("buildWorkerJob", () => {
  const job = buildWorkerJob(launch, { namespace: "agricarta", kubernetes, activeDeadlineSeconds: 7200 });

  it("names and labels the Job by its job id, task and attempt, selectable with the other worker Jobs", () => {
    expect(job.metadata?.name).toBe(`agricarta-${jobId}-12-2`);
    const own = { "agricarta.io/job-id": jobId, "agricarta.io/task": "12", "agricarta.io/attempt": "2" };
    expect(job.metadata?.labels).toMatchObject(own);
    expect(job.spec?.template.metadata?.labels).toMatchObject(own);
    for (const pair of WORKER_SELECTOR.split(",")) {
      const [key, value] = pair.split("=");
      expect(job.metadata?.labels?.[key!]).toBe(value);
      expect(job.spec?.template.metadata?.labels?.[key!]).toBe(value);
    }
  });

  it("runs the worker once on its task, with the job's cores as CPU request, its threads and the configured limits", () => {
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
      args: [`/data/work/${jobId}`, "--task", "12", "--attempt", "2", "--threads", "4"],
      resources: { requests: { cpu: "4", memory: "1Gi" }, limits: { memory: "4Gi" } },
    });
  });

  it("records on the Job where its pod's log is to be saved, for whichever API process sees it end", () => {
    expect(logFileOf(job)).toBe(`/data/work/${jobId}/worker.log`);
    expect(logFileOf({ metadata: { name: "older" } })).toBeUndefined();
  });
});

describe("workerJobName", () => {
  it("stays inside the 63 characters of the pod's job-name label up to task 9999 and attempt 11", () => {
    const name = workerJobName(jobId, { index: 9999, attempt: 11 });
    expect(name).toBe(`agricarta-${jobId}-9999-11`);
    expect(name.length).toBeLessThanOrEqual(63);
  });

  it("refuses a name the label could not hold, rather than let the Job controller fail on it", () => {
    expect(() => workerJobName(`${jobId}-and-then-some`, { index: 0, attempt: 1 })).toThrow(/63 characters/);
  });
});

describe("isJobOf", () => {
  it("recognises a Job left by an earlier API only when job, task and attempt all match", () => {
    const job = buildWorkerJob(launch, { namespace: "agricarta", kubernetes, activeDeadlineSeconds: 60 });
    expect(isJobOf(job, launch)).toBe(true);
    expect(isJobOf(job, { ...launch, task: { index: 12, attempt: 3 } })).toBe(false);
    expect(isJobOf(job, { ...launch, task: { index: 11, attempt: 2 } })).toBe(false);
    expect(isJobOf(job, { ...launch, jobId: "0190a5c2-0000-7d3e-8f40-123456789abc" })).toBe(false);
    expect(isJobOf({ metadata: { name: job.metadata?.name ?? "" } }, launch)).toBe(false);
  });
});
