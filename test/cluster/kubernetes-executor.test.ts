import crypto from "node:crypto";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { KubernetesExecutorConfig } from "../../src/config/config.js";
import type { WorkerLaunch } from "../../src/executors/executor.js";
import type { WorkerRecord } from "../../src/executors/worker-record.js";
import { KubernetesExecutor } from "../../src/executors/kubernetes/kubernetes-executor.js";
import { JobStore } from "../../src/jobs/job-store.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { startControlPlane, type ControlPlane } from "./helpers/control-plane.js";
import { bindPod, confirmDeletion, endPod, evictPod, loseNode, podOf } from "./helpers/fake-kubelet.js";
import {
  NAMESPACE,
  apis,
  eventually,
  deployExecutorOverlay,
  kubeConfigFor,
  kubectl,
} from "./helpers/kube.js";

// The Kubernetes executor against a real kube-apiserver and controller manager, authenticated as the
// ServiceAccount that k8s/overlays/kubernetes deploys, so every call it makes is one its Role allows.

const MOUNT = "/code/miniostorage";

const settings: KubernetesExecutorConfig = {
  kind: "kubernetes",
  namespace: NAMESPACE,
  kubeconfig: undefined,
  workerImage: "registry.example.org/agricarta-preprocessing:1.2.3",
  imagePullPolicy: "IfNotPresent",
  workerCommand: ["node", "/app/dist/worker/main.js"],
  volumeClaim: "agricarta-storage",
  volumeMountPath: MOUNT,
  memoryRequest: "512Mi",
  memoryLimit: "3Gi",
  serviceAccount: undefined,
  ttlAfterFinishedSeconds: 600,
};

let plane: ControlPlane;
let asExecutor: KubeConfig;
let admin: ReturnType<typeof apis>;
const executors: KubernetesExecutor[] = [];

beforeAll(async () => {
  plane = await startControlPlane();
  asExecutor = (await deployExecutorOverlay(plane)).config;
  admin = apis(kubeConfigFor(plane, plane.adminToken, NAMESPACE));
}, 120_000);

afterEach(async () => {
  for (const executor of executors.splice(0)) await executor.close();
});

afterAll(async () => {
  await plane?.stop();
});

async function connect(overrides: Partial<Parameters<typeof KubernetesExecutor.connect>[0]> = {}) {
  const executor = await KubernetesExecutor.connect({
    kubeConfig: asExecutor,
    namespace: NAMESPACE,
    kubernetes: settings,
    activeDeadlineSeconds: 3600,
    logger: createLogger({ name: "test", consoleLevel: "fatal" }),
    stopTimeoutMs: 20_000,
    rewatchDelayMs: 500,
    ...overrides,
  });
  executors.push(executor);
  return executor;
}

/** Where the store keeps jobs on the volume, as the API sees it; nothing is written there by these tests. */
const store = new JobStore(`${MOUNT}/agricarta/workingdir`);

function launch(
  cores = 2,
  task = { index: 0, attempt: 1 },
  jobId: string = crypto.randomUUID(),
): WorkerLaunch {
  return {
    jobId,
    jobDir: store.jobDir(jobId),
    task,
    cores,
    threads: cores,
    logs: store.layout(jobId).taskWorkerLogs(task.index, task.attempt),
  };
}

function kubernetesRecord(record: WorkerRecord) {
  if (record.executor !== "kubernetes") throw new Error("expected a Kubernetes worker record");
  return record;
}

async function jobConditions(name: string): Promise<string[]> {
  const job = await admin.batch.readNamespacedJob({ name, namespace: NAMESPACE });
  return (job.status?.conditions ?? []).filter((c) => c.status === "True").map((c) => c.type);
}

describe("KubernetesExecutor", () => {
  it("creates one batch/v1 Job per task attempt: same image and worker, cores as CPU request, limits, one pod", async () => {
    const executor = await connect();
    const job = launch(3, { index: 9999, attempt: 11 });
    const started = await executor.start(job);
    const record = kubernetesRecord(started.record);
    expect(record).toMatchObject({
      executor: "kubernetes",
      namespace: NAMESPACE,
      name: `agricarta-${job.jobId}-9999-11`,
    });

    // Read back from the API server: every field survived validation (ttlSecondsAfterFinished needs its gate).
    const stored = await admin.batch.readNamespacedJob({ name: record.name, namespace: NAMESPACE });
    expect(stored.metadata?.uid).toBe(record.uid);
    const labels = {
      "agricarta.io/job-id": job.jobId,
      "agricarta.io/task": "9999",
      "agricarta.io/attempt": "11",
    };
    expect(stored.metadata?.labels).toMatchObject(labels);
    expect(stored.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 600,
    });
    const pod = stored.spec?.template.spec;
    expect(pod?.restartPolicy).toBe("Never");
    expect(pod?.automountServiceAccountToken).toBe(false);
    const container = pod?.containers[0];
    expect(container?.image).toBe(settings.workerImage);
    expect(container?.command).toEqual(["node", "/app/dist/worker/main.js"]);
    expect(container?.args).toEqual([job.jobDir, "--task", "9999", "--attempt", "11", "--threads", "3"]);
    expect(container?.resources?.requests).toEqual({ cpu: "3", memory: "512Mi" });
    expect(container?.resources?.limits).toEqual({ memory: "3Gi" });
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container?.volumeMounts).toContainEqual({ name: "storage", mountPath: MOUNT });
    expect(pod?.volumes).toContainEqual({
      name: "storage",
      persistentVolumeClaim: { claimName: "agricarta-storage" },
    });

    // The Job controller made its pod, labelled with the job id, task and attempt; its job-name label (the longest
    // name the executor makes) was accepted.
    const created = await podOf(admin.core, NAMESPACE, record.uid);
    expect(created.metadata?.labels).toMatchObject({ ...labels, "job-name": record.name });
    expect(executor.isAlive(record)).toBe(true);
  });

  it("reports a worker that succeeded once its pod has, and the Job completed", async () => {
    const executor = await connect();
    const started = await executor.start(launch());
    const record = kubernetesRecord(started.record);
    await endPod(admin.core, await podOf(admin.core, NAMESPACE, record.uid), { exitCode: 0 });
    expect(await started.exited).toEqual({ exitCode: 0, signal: undefined });
    expect(await jobConditions(record.name)).toContain("Complete");
    expect(executor.isAlive(record)).toBe(false);
  });

  it("fails with the Kubernetes reason when the pod fails before the worker could say why", async () => {
    const executor = await connect();
    const started = await executor.start(launch());
    const record = kubernetesRecord(started.record);
    await endPod(admin.core, await podOf(admin.core, NAMESPACE, record.uid), { exitCode: 2 });
    const exit = await started.exited;
    expect(exit.exitCode).toBe(2);
    expect(exit.reason).toMatch(
      new RegExp(`^Kubernetes Job ${NAMESPACE}/${record.name} failed \\(BackoffLimitExceeded`),
    );
    expect(exit.reason).toMatch(/container worker Error, exit code 2/);
    expect(await jobConditions(record.name)).toContain("Failed");
  });

  it("names an OOM kill", async () => {
    const executor = await connect();
    const started = await executor.start(launch());
    const record = kubernetesRecord(started.record);
    await endPod(admin.core, await podOf(admin.core, NAMESPACE, record.uid), {
      exitCode: 137,
      reason: "OOMKilled",
    });
    const exit = await started.exited;
    expect(exit.exitCode).toBe(137);
    expect(exit.reason).toMatch(
      /BackoffLimitExceeded.*pod agricarta-[0-9a-f-]+-0-1-\w+: container worker OOMKilled, exit code 137/,
    );
  });

  it("names an eviction", async () => {
    const executor = await connect();
    const started = await executor.start(launch());
    const record = kubernetesRecord(started.record);
    await evictPod(admin.core, await podOf(admin.core, NAMESPACE, record.uid));
    const exit = await started.exited;
    expect(exit.reason).toMatch(
      /failed \(BackoffLimitExceeded.*\); pod agricarta-[0-9a-f-]+-0-1-\w+: Evicted: The node was low on resource: memory\./,
    );
  });

  it("ends a worker lost with its node (its pod deleted while it ran), rather than let the Job run it again", async () => {
    const executor = await connect({ lostWorkerCheckMs: 3_000 });
    const started = await executor.start(launch());
    const record = kubernetesRecord(started.record);
    const pod = await podOf(admin.core, NAMESPACE, record.uid);
    await loseNode(admin.core, pod, "node-lost-1");
    // What the executor prevents: the 1.20 Job controller makes a new pod for the same attempt, backoffLimit 0 or
    // not, since a deleted pod is not a failed one.
    await eventually(async () => {
      const pods = await admin.core.listNamespacedPod({
        namespace: NAMESPACE,
        labelSelector: `controller-uid=${record.uid}`,
      });
      return pods.items.some((p) => p.metadata?.name !== pod.metadata?.name) ? true : undefined;
    }, "the Job controller to replace the lost pod");
    const exit = await started.exited;
    expect(exit).toMatchObject({ exitCode: undefined });
    expect(exit.reason).toBe(
      `Kubernetes Job ${NAMESPACE}/${record.name} lost its worker: pod ${pod.metadata?.name}: deleted by the node ` +
        "controller on node node-lost-1: the node stopped reporting (node lost)",
    );
    // Its Job is gone, and with it any replacement pod the Job controller made for the same attempt.
    await expect(
      admin.batch.readNamespacedJob({ name: record.name, namespace: NAMESPACE }),
    ).rejects.toMatchObject({ code: 404 });
    await eventually(async () => {
      const pods = await admin.core.listNamespacedPod({
        namespace: NAMESPACE,
        labelSelector: `controller-uid=${record.uid}`,
      });
      // Only the lost pod may stay (terminating, with no kubelet to confirm).
      return pods.items.every((p) => p.metadata?.name === pod.metadata?.name) ? true : undefined;
    }, "the replacement pod to go");
  });

  it("names the deadline when the cluster stops a worker past the job time limit", async () => {
    const executor = await connect({ activeDeadlineSeconds: 2 });
    const started = await executor.start(launch());
    const record = kubernetesRecord(started.record);
    // The 1.20 Job controller checks the deadline on a one-off delayed resync, which a conflicting status
    // update can lose; any later change to the Job makes it check again. Touch the Job until it fails.
    let settled = false;
    void started.exited.then(() => (settled = true));
    for (let touch = 0; !settled && touch < 60; touch++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (touch >= 2 && !settled) {
        await kubectl(plane, [
          "-n",
          NAMESPACE,
          "annotate",
          "--overwrite",
          "job",
          record.name,
          `test/touch=${touch}`,
        ]);
      }
    }
    const exit = await started.exited;
    expect(exit.reason).toMatch(/failed \(DeadlineExceeded: Job was active longer than specified deadline\)/);
  });

  it("cancels by deleting the Job; its pod goes with it before stop() returns", async () => {
    const executor = await connect();
    const started = await executor.start(launch());
    const record = kubernetesRecord(started.record);
    await podOf(admin.core, NAMESPACE, record.uid);
    await executor.stop(record);
    const pods = await admin.core.listNamespacedPod({
      namespace: NAMESPACE,
      labelSelector: `controller-uid=${record.uid}`,
    });
    expect(pods.items).toEqual([]);
    await expect(
      admin.batch.readNamespacedJob({ name: record.name, namespace: NAMESPACE }),
    ).rejects.toMatchObject({ code: 404 });
    await eventually(() => (executor.isAlive(record) ? undefined : true), "the deletion to be seen");
    // Stopping again (a job already gone) is not an error.
    await executor.stop(record);
  });

  it("cancels a job by deleting all its Jobs, recorded or not, and resolves once all their pods are gone", async () => {
    const executor = await connect();
    const jobId = crypto.randomUUID();
    const first = kubernetesRecord((await executor.start(launch(2, { index: 0, attempt: 1 }, jobId))).record);
    const retry = kubernetesRecord((await executor.start(launch(2, { index: 0, attempt: 2 }, jobId))).record);
    // Started by an API that stopped before it recorded it.
    const unrecorded = kubernetesRecord(
      (await (await connect()).start(launch(2, { index: 1, attempt: 1 }, jobId))).record,
    );
    const other = kubernetesRecord((await executor.start(launch())).record);
    // One pod runs on a node: its kubelet takes a while to stop the worker, and the cancel waits for it.
    const slowPod = await podOf(admin.core, NAMESPACE, unrecorded.uid);
    await bindPod(admin.core, slowPod, "node-1");
    for (const record of [first, retry]) await podOf(admin.core, NAMESPACE, record.uid);
    const kubelet = confirmDeletion(admin.core, slowPod, 2_000);

    const began = Date.now();
    await executor.stopAll(jobId, [first, retry]);
    const tookMs = Date.now() - began;
    await kubelet;

    const label = `agricarta.io/job-id=${jobId}`;
    const pods = await admin.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: label });
    expect(pods.items).toEqual([]);
    const jobs = await admin.batch.listNamespacedJob({ namespace: NAMESPACE, labelSelector: label });
    expect(jobs.items).toEqual([]);
    expect(tookMs).toBeGreaterThanOrEqual(2_000);
    // Another job's worker is untouched.
    const kept = await admin.batch.readNamespacedJob({ name: other.name, namespace: NAMESPACE });
    expect(kept.metadata?.uid).toBe(other.uid);
    // A cancel that finds nothing left is not an error.
    await executor.stopAll(jobId, [first]);
  });

  it("after an API restart, follows the Jobs that exist and reports those that ended or vanished meanwhile", async () => {
    const first = await connect();
    const running = kubernetesRecord((await first.start(launch())).record);
    const failing = kubernetesRecord((await first.start(launch())).record);
    const vanishing = kubernetesRecord((await first.start(launch())).record);
    await first.close();

    // While no API watches: one pod is OOM-killed, one Job is deleted by hand.
    await endPod(admin.core, await podOf(admin.core, NAMESPACE, failing.uid), {
      exitCode: 137,
      reason: "OOMKilled",
    });
    await eventually(
      async () => ((await jobConditions(failing.name)).includes("Failed") ? true : undefined),
      "the Job to fail",
    );
    await admin.batch.deleteNamespacedJob({
      name: vanishing.name,
      namespace: NAMESPACE,
      propagationPolicy: "Background",
    });

    const second = await connect();
    expect(second.isAlive(running)).toBe(true);
    const failed = await second.follow(failing);
    expect(failed?.reason).toMatch(/OOMKilled, exit code 137/);
    const vanished = await second.follow(vanishing);
    expect(vanished?.reason).toMatch(/no longer exists/);

    const stillRunning = second.follow(running)!;
    await endPod(admin.core, await podOf(admin.core, NAMESPACE, running.uid), { exitCode: 0 });
    expect(await stillRunning).toEqual({ exitCode: 0, signal: undefined });
  });

  it("carries on with the Job an earlier API created but did not record, rather than failing the job", async () => {
    const job = launch();
    const first = kubernetesRecord((await (await connect()).start(job)).record);
    // The restarted API finds the job still accepted (no worker record) and starts it again.
    const again = await (await connect()).start(job);
    expect(kubernetesRecord(again.record).uid).toBe(first.uid);
    const jobs = await admin.batch.listNamespacedJob({
      namespace: NAMESPACE,
      labelSelector: `agricarta.io/job-id=${job.jobId}`,
    });
    expect(jobs.items).toHaveLength(1);
    await endPod(admin.core, await podOf(admin.core, NAMESPACE, first.uid), { exitCode: 0 });
    expect(await again.exited).toEqual({ exitCode: 0, signal: undefined });
  });

  it("keeps watching across a kube-apiserver restart", async () => {
    const executor = await connect();
    const started = await executor.start(launch());
    const record = kubernetesRecord(started.record);
    const pod = await podOf(admin.core, NAMESPACE, record.uid);
    await plane.restartApiServer();
    await endPod(admin.core, pod, { exitCode: 0 });
    expect(await started.exited).toEqual({ exitCode: 0, signal: undefined });
  }, 120_000);

  it("refuses to start without a usable identity, saying why", async () => {
    await expect(connect({ kubeConfig: kubeConfigFor(plane, "not-a-token", NAMESPACE) })).rejects.toThrow(
      /cannot watch worker Jobs in namespace agricarta: 401/,
    );
    // The Role is for its own namespace only.
    await expect(connect({ namespace: "default" })).rejects.toThrow(/namespace default: 403/);
  });
});
