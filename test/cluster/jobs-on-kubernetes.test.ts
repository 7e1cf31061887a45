import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { createExecutor } from "../../src/executors/create-executor.js";
import type { Executor } from "../../src/executors/executor.js";
import { MAX_ECHO_PAUSE_SECONDS } from "../../src/jobs/job-spec.js";
import type { StatusDocument } from "../../src/jobs/status-document.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { waitFor } from "../helpers/alive.js";
import { BUILT_WORKER, SCENES } from "../helpers/paths.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { createTestService, type TestService } from "../helpers/service.js";
import { startControlPlane, type ControlPlane } from "./helpers/control-plane.js";
import { holdPod, podOf, runKubelet, type RunningKubelet } from "./helpers/fake-kubelet.js";
import {
  NAMESPACE,
  apis,
  eventually,
  deployExecutorOverlay,
  kubeConfigFor,
  useKubernetesExecutor,
} from "./helpers/kube.js";

// The whole service with EXECUTOR: kubernetes: the job service creates real Jobs through the executor (as its
// ServiceAccount, from a kubeconfig named in config.yaml), one per task (scene) and attempt, and a stand-in
// kubelet runs each pod's command, the built worker, on this machine, then reports the container's end to the
// API server. (Many scenes, retries, failover: fan-out.test.ts.)

let plane: ControlPlane;
let kubeconfigFile: string;
let admin: ReturnType<typeof apis>;

let sandbox: Sandbox;
let executor: Executor;
let service: TestService;
let kubelet: RunningKubelet | undefined;
let server: ServerProcess | undefined;

beforeAll(async () => {
  plane = await startControlPlane();
  kubeconfigFile = (await deployExecutorOverlay(plane)).kubeconfigFile;
  admin = apis(kubeConfigFor(plane, plane.adminToken, NAMESPACE));
}, 120_000);

afterAll(async () => {
  await plane?.stop();
});

afterEach(async () => {
  service?.jobs.stop();
  await executor?.close();
  await server?.stop().catch(() => undefined);
  server = undefined;
  await kubelet?.stop();
  kubelet = undefined;
  await sandbox?.remove();
});

interface StartOptions {
  /** The stand-in kubelet's options; false starts none, so pods stay Pending as on a cluster with no room. */
  readonly kubelet?: Parameters<typeof runKubelet>[2] | false;
  readonly configLines?: readonly string[];
}

async function startService(options: StartOptions = {}): Promise<void> {
  sandbox = await kubernetesSandbox(options.configLines ?? []);
  await connectService();
  if (options.kubelet !== false) kubelet = runKubelet(admin.core, NAMESPACE, options.kubelet ?? {});
  await service.jobs.start();
}

/** A sandbox whose config runs workers as Kubernetes Jobs in the test cluster. */
async function kubernetesSandbox(configLines: readonly string[]): Promise<Sandbox> {
  const created = await createSandbox({ scenes: [SCENES.l1], configLines });
  await useKubernetesExecutor(created, kubeconfigFile);
  return created;
}

/** The service as src/server.ts wires it, with the executor the sandbox's config names. */
async function connectService(): Promise<void> {
  const logger = createLogger({ name: "test", consoleLevel: "fatal" });
  executor = await createExecutor(loadConfig(sandbox.configPath, {}), BUILT_WORKER, logger);
  service = createTestService(sandbox, { worker: BUILT_WORKER, executor });
}

function until(jobId: string, states: readonly StatusDocument["status"][], timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const doc = await service.store.readStatus(jobId);
      return states.includes(doc.status) ? doc : undefined;
    },
    `job ${jobId} to be ${states.join(" or ")}`,
    timeoutMs,
  );
}

/** The uid of the worker Job of a job's first task (attempt 1 unless said), once the API has recorded it. */
async function jobUid(jobId: string, attempt = 1): Promise<string> {
  return eventually(async () => {
    const record = (await service.store.readTaskRuns(jobId, 0))?.attempts[attempt - 1]?.worker;
    return record?.executor === "kubernetes" ? record.uid : undefined;
  }, `the worker Job of attempt ${attempt}`);
}

/** The name of the worker Job of a job's first task. */
const firstJob = (jobId: string, attempt = 1) => `agricarta-${jobId}-0-${attempt}`;

const echo = (pause: number) => service.jobs.submitEcho({ stringInput: "hello", pause }, { owner: "tester" });

describe("the job service on the Kubernetes executor", () => {
  it("runs a real preprocessing job as a Kubernetes Job and publishes its rasters", async () => {
    await startService();
    const { status } = await service.jobs.submit(
      { imagery_list: [SCENES.l1.id], resolution: 120, cores: 2, delete_intermediate: false },
      { owner: "tester" },
    );
    const done = await until(status.jobID, ["successful", "failed"]);
    expect(done.message).toBe("Processed 1 scene(s)");
    expect(done.status).toBe("successful");

    const record = (await service.store.readTaskRuns(status.jobID, 0))?.attempts[0]?.worker;
    expect(record).toMatchObject({
      executor: "kubernetes",
      namespace: NAMESPACE,
      name: firstJob(status.jobID),
    });
    // The worker writes its task's end before it exits; the Job controller counts the pod after that.
    const job = await eventually(async () => {
      const read = await admin.batch.readNamespacedJob({
        name: firstJob(status.jobID),
        namespace: NAMESPACE,
      });
      return read.status?.succeeded === 1 ? read : undefined;
    }, "the Job to complete");
    expect(job.spec?.template.spec?.containers[0]?.resources?.requests?.["cpu"]).toBe("2");
    expect(kubelet?.ran.size).toBe(1);

    const published = path.join(sandbox.storage, "agricarta", "preprocessing", status.jobID);
    const outputs = done.scenes[0]?.outputs ?? [];
    expect(outputs.filter((o) => o.endsWith("_dn.tif"))).toHaveLength(3);
    for (const output of outputs) await fs.access(path.join(published, output));
  });

  it("fails a job whose worker pod is OOM-killed on every attempt, with the Kubernetes reason", async () => {
    await startService({
      configLines: ["SCENE_RETRIES: 1"],
      kubelet: { intervene: () => ({ afterMs: 1_500, ending: { exitCode: 137, reason: "OOMKilled" } }) },
    });
    const { status } = await echo(MAX_ECHO_PAUSE_SECONDS);
    const failed = await until(status.jobID, ["failed", "successful"]);
    expect(failed.status).toBe("failed");
    expect(failed.message).toMatch(
      /^Worker stopped before finishing: Kubernetes Job agricarta\/agricarta-[0-9a-f-]+-0-2 failed \(BackoffLimitExceeded: Job has reached the specified backoff limit\); pod agricarta-[0-9a-f-]+-0-2-\w+: container worker OOMKilled, exit code 137/,
    );
    const log = await service.jobs.readLog(status.jobID);
    expect(log).toMatch(/RETRIED: attempt 1 ended: Kubernetes Job .*-0-1 failed .*OOMKilled/);
    expect(log).toMatch(/FAILED: worker stopped before finishing \(Kubernetes Job .*-0-2 failed .*OOMKilled/);
  });

  it("cancels a running job: the Job is deleted and its worker really stopped", async () => {
    await startService();
    const { status } = await echo(MAX_ECHO_PAUSE_SECONDS);
    await until(status.jobID, ["running"]);
    const dismissed = await service.jobs.cancel(status.jobID);
    expect(dismissed.status).toBe("dismissed");
    await expect(
      admin.batch.readNamespacedJob({ name: firstJob(status.jobID), namespace: NAMESPACE }),
    ).rejects.toMatchObject({ code: 404 });
    const pods = await admin.core.listNamespacedPod({
      namespace: NAMESPACE,
      labelSelector: `agricarta.io/job-id=${status.jobID}`,
    });
    expect(pods.items).toEqual([]);
    // The worker's heartbeat stops with it: the document stays dismissed.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await service.store.readStatus(status.jobID)).status).toBe("dismissed");
  });

  it("a restarted API adopts a running Job and reports how it ended", async () => {
    await startService();
    const { status } = await echo(4);
    await until(status.jobID, ["running"]);
    service.jobs.stop();
    await executor.close();

    await connectService();
    await service.jobs.start();
    expect(service.jobs.runningCount).toBe(1);
    const done = await until(status.jobID, ["successful", "failed"]);
    expect(done.status).toBe("successful");
    expect(kubelet?.ran.size).toBe(1);
  });

  it("lets a job wait while its pod has no node, however long past HEARTBEAT_TIMEOUT, then runs it", async () => {
    // Kubernetes keeps times to the second, so a container's start can read up to 1 s early: the limit is 3 s.
    await startService({ kubelet: false, configLines: ["HEARTBEAT_TIMEOUT: 3", "HEARTBEAT_INTERVAL: 0.5"] });
    const { status } = await echo(1);
    await podOf(admin.core, NAMESPACE, await jobUid(status.jobID));
    // Many periodic checks (every 200 ms) past the 3 s heartbeat limit, with the pod still Pending: the job
    // runs, its one task waits, and no second attempt is made.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await service.store.readStatus(status.jobID)).toMatchObject({ status: "running" });
    expect(await service.store.readTask(status.jobID, 0)).toBeUndefined();
    expect((await service.store.readTaskRuns(status.jobID, 0))?.attempts).toHaveLength(1);
    kubelet = runKubelet(admin.core, NAMESPACE);
    expect(await until(status.jobID, ["successful", "failed"])).toMatchObject({ status: "successful" });
  });

  it("fails a job whose worker image cannot be pulled, saying so, and deletes its Jobs", async () => {
    await startService({ kubelet: false, configLines: ["HEARTBEAT_TIMEOUT: 1", "SCENE_RETRIES: 1"] });
    const { status } = await echo(1);
    for (const attempt of [1, 2]) {
      const pod = await podOf(admin.core, NAMESPACE, await jobUid(status.jobID, attempt));
      await holdPod(admin.core, pod, "ErrImagePull", 'pull access denied for "agricarta-preprocessing"');
    }
    const failed = await until(status.jobID, ["failed"]);
    expect(failed.message).toMatch(
      /^Worker stopped before finishing: worker could not start: pod agricarta-[0-9a-f-]+-0-2-\w+: ErrImagePull: pull access denied for "agricarta-preprocessing"$/,
    );
    for (const attempt of [1, 2]) {
      await eventually(
        () =>
          admin.batch.readNamespacedJob({ name: firstJob(status.jobID, attempt), namespace: NAMESPACE }).then(
            () => undefined,
            (error: { code?: number }) => (error.code === 404 ? true : undefined),
          ),
        `the Job of attempt ${attempt} to be deleted`,
      );
    }
  });

  it("the built server, configured for Kubernetes, runs a job over HTTP and stops cleanly on SIGTERM", async () => {
    sandbox = await kubernetesSandbox([]);
    kubelet = runKubelet(admin.core, NAMESPACE);
    server = await startServer(sandbox);
    const submitted = await fetch(`${server.url}/agricarta/preprocessing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ imagery_list: [SCENES.l1.id], resolution: 120, cores: 1 }),
    });
    expect(submitted.status).toBe(202);
    const { jobID } = (await submitted.json()) as { jobID: string };
    const done = await waitFor(
      async () => {
        const doc = (await (
          await fetch(`${server!.url}/agricarta/preprocessing/${jobID}`)
        ).json()) as StatusDocument;
        return ["successful", "failed"].includes(doc.status) ? doc : undefined;
      },
      "the job to end",
      60_000,
    );
    expect(done.status).toBe("successful");
    expect(kubelet.ran.size).toBe(1);
    const job = await admin.batch.readNamespacedJob({ name: firstJob(jobID), namespace: NAMESPACE });
    expect(job.spec?.template.spec?.containers[0]?.args).toEqual([
      path.join(sandbox.workingDir, jobID),
      ...["--task", "0", "--attempt", "1", "--threads", "1"],
    ]);
    expect(await server.stop("SIGTERM")).toBe(0);
    server = undefined;
  });
});
