import fs from "node:fs/promises";
import path from "node:path";
import type { V1Job } from "@kubernetes/client-node";
import { CoordinationV1Api } from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StatusDocument } from "../../src/jobs/status-document.js";
import { waitFor } from "../helpers/alive.js";
import { landsatClones } from "../helpers/landsat-clones.js";
import { SCENES } from "../helpers/paths.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";
import { startControlPlane, type ControlPlane } from "./helpers/control-plane.js";
import { runKubelet, type RunningKubelet } from "./helpers/fake-kubelet.js";
import {
  NAMESPACE,
  apis,
  deployExecutorOverlay,
  eventually,
  kubeConfigFor,
  useKubernetesExecutor,
} from "./helpers/kube.js";

// A job's scenes as scene pods, through the built server (dist/server.js) configured for Kubernetes, as it
// runs in the cluster: one batch/v1 Job per scene and attempt, at most MAX_PARALLEL_SCENES at once, retried
// when the pod dies of its infrastructure, cancelled as a whole, adopted by a restarted API, and led by one of
// two API replicas through a Lease. The stand-in kubelet runs each pod's command (the built worker) here.

let plane: ControlPlane;
let kubeconfigFile: string;
let admin: ReturnType<typeof apis>;
let coordination: CoordinationV1Api;

let sandbox: Sandbox;
let kubelet: RunningKubelet | undefined;
let servers: ServerProcess[] = [];

const LEASE = "agricarta-test-leader";

beforeAll(async () => {
  plane = await startControlPlane();
  kubeconfigFile = (await deployExecutorOverlay(plane)).kubeconfigFile;
  const adminConfig = kubeConfigFor(plane, plane.adminToken, NAMESPACE);
  admin = apis(adminConfig);
  coordination = adminConfig.makeApiClient(CoordinationV1Api);
}, 120_000);

afterAll(async () => {
  await plane?.stop();
});

afterEach(async () => {
  for (const server of servers) await server.stop("SIGKILL").catch(() => undefined);
  servers = [];
  await kubelet?.stop();
  kubelet = undefined;
  // Leave the namespace as the next test expects it: no worker Jobs, no lease.
  await admin.batch
    .deleteCollectionNamespacedJob({
      namespace: NAMESPACE,
      labelSelector: "app.kubernetes.io/component=worker",
      body: { propagationPolicy: "Background" },
    })
    .catch(() => undefined);
  await coordination.deleteNamespacedLease({ name: LEASE, namespace: NAMESPACE }).catch(() => undefined);
  await sandbox?.remove();
});

/** A sandbox of `scenes` copies of the small real Landsat scene, its config running workers as Jobs. */
async function fanOutSandbox(scenes: number, configLines: readonly string[]): Promise<string[]> {
  sandbox = await createSandbox({
    scenes: [SCENES.l1],
    configLines: ["HEARTBEAT_INTERVAL: 0.5", ...configLines],
  });
  await useKubernetesExecutor(sandbox, kubeconfigFile);
  return landsatClones(sandbox, SCENES.l1, scenes);
}

async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServer(sandbox, { env });
  servers.push(server);
  return server;
}

async function submit(server: ServerProcess, imagery: readonly string[]): Promise<string> {
  const response = await fetch(`${server.url}/agricarta/preprocessing`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ imagery_list: imagery, resolution: 240, cores: 1 }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { jobID: string }).jobID;
}

async function statusOf(server: ServerProcess, jobId: string): Promise<StatusDocument> {
  const response = await fetch(`${server.url}/agricarta/preprocessing/${jobId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as StatusDocument;
}

function until(server: ServerProcess, jobId: string, states: readonly string[], timeoutMs = 120_000) {
  return waitFor(
    async () => {
      const doc = await statusOf(server, jobId).catch(() => undefined);
      return doc !== undefined && states.includes(doc.status) ? doc : undefined;
    },
    `job ${jobId} to be ${states.join(" or ")}`,
    timeoutMs,
  );
}

/** Every worker Job of a job, by task index then attempt. */
async function jobsOf(jobId: string): Promise<V1Job[]> {
  const list = await admin.batch.listNamespacedJob({
    namespace: NAMESPACE,
    labelSelector: `agricarta.io/job-id=${jobId}`,
  });
  const key = (job: V1Job) =>
    Number(job.metadata?.labels?.["agricarta.io/task"]) * 100 +
    Number(job.metadata?.labels?.["agricarta.io/attempt"]);
  return list.items.sort((a, b) => key(a) - key(b));
}

/** The most Jobs that ran at once, from their start and completion times ([start, completion), in seconds). */
function mostAtOnce(jobs: readonly V1Job[]): number {
  const events = jobs.flatMap((job) => {
    const started = job.status?.startTime?.getTime() ?? job.metadata?.creationTimestamp?.getTime();
    const ended = job.status?.completionTime?.getTime() ?? lastTransition(job);
    if (started === undefined || ended === undefined)
      throw new Error(`Job ${job.metadata?.name} has no times`);
    return [
      { at: started, step: 1 },
      { at: ended, step: -1 },
    ];
  });
  // At the same second an end comes before a start: the API starts the next pod only after the last one ended.
  events.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let most = 0;
  for (const event of events) most = Math.max(most, (now += event.step));
  return most;
}

function lastTransition(job: V1Job): number | undefined {
  const times = (job.status?.conditions ?? []).map((c) => c.lastTransitionTime?.getTime() ?? 0);
  return times.length === 0 ? undefined : Math.max(...times);
}

function publishedDir(jobId: string): string {
  return path.join(sandbox.storage, "agricarta", "preprocessing", jobId);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

describe("a job's scenes as scene pods", () => {
  it("runs a 6-scene job as 6 scene pods, never more than MAX_PARALLEL_SCENES at once, and publishes all 6", async () => {
    const scenes = await fanOutSandbox(6, ["MAX_PARALLEL_SCENES: 2"]);
    kubelet = runKubelet(admin.core, NAMESPACE);
    const server = await start();
    const jobId = await submit(server, scenes);
    const done = await until(server, jobId, ["successful", "failed"]);
    expect(done).toMatchObject({ status: "successful", message: "Processed 6 scene(s)", progress: 100 });

    const jobs = await jobsOf(jobId);
    expect(jobs.map((j) => j.metadata?.name)).toEqual(scenes.map((_, i) => `agricarta-${jobId}-${i}-1`));
    expect(kubelet.ran.size).toBe(6);
    expect(mostAtOnce(jobs)).toBe(2);
    for (const job of jobs) {
      expect(job.spec?.template.spec?.containers[0]?.resources?.requests?.["cpu"]).toBe("1");
    }
    // Every scene's outputs are published, and the log keeps the seed's lines in scene order.
    for (const [i, scene] of done.scenes.entries()) {
      expect(scene).toMatchObject({ id: scenes[i], status: "successful" });
      for (const output of scene.outputs) await fs.access(path.join(publishedDir(jobId), output));
    }
    const log = await fs.readFile(path.join(publishedDir(jobId), "job_log.txt"), "utf8");
    const lines = log.trim().split("\n");
    const found = scenes.map((id) => lines.indexOf(`Image: ${id} FOUND`));
    const processed = scenes.map((id) => lines.indexOf(`Image: ${id} PREPROCESSED`));
    expect(found.every((at, i) => at > 0 && (i === 0 || at > found[i - 1]!))).toBe(true);
    expect(
      processed.every(
        (at, i) => at > lines.indexOf("Preprocessing started") && (i === 0 || at > processed[i - 1]!),
      ),
    ).toBe(true);
    expect(lines.at(-1)).toBe("Preprocessing finished");
  }, 240_000);

  it("retries a scene whose pod is OOM-killed, and fails a scene with a missing band without retrying it", async () => {
    const scenes = await fanOutSandbox(6, ["MAX_PARALLEL_SCENES: 3"]);
    // Scene 4 lacks a band: it fails on its data.
    const broken = scenes[4]!;
    await fs.rm(
      path.join(
        sandbox.storage,
        "l8-l2a-products",
        "tiles",
        SCENES.l1.path,
        SCENES.l1.row,
        broken,
        `${broken}_B3.TIF`,
      ),
    );
    // Scene 2's first pod is OOM-killed.
    let killed = 0;
    kubelet = runKubelet(admin.core, NAMESPACE, {
      intervene: (pod) => {
        const labels = pod.metadata?.labels ?? {};
        if (labels["agricarta.io/task"] !== "2" || labels["agricarta.io/attempt"] !== "1") return undefined;
        killed++;
        return { afterMs: 300, ending: { exitCode: 137, reason: "OOMKilled" } };
      },
    });
    const server = await start();
    const jobId = await submit(server, scenes);
    const done = await until(server, jobId, ["successful", "failed"]);

    expect(killed).toBe(1);
    expect(done.status).toBe("failed");
    expect(done.message).toBe(`1 of 6 scene(s) failed: ${broken}`);
    expect(done.scenes[2]).toMatchObject({ status: "successful" });
    expect(done.scenes[4]).toMatchObject({ status: "failed" });
    expect(done.scenes[4]?.message).toMatch(/B3/);
    const jobs = (await jobsOf(jobId)).map((j) => j.metadata?.name);
    expect(jobs).toContain(`agricarta-${jobId}-2-2`);
    expect(jobs).not.toContain(`agricarta-${jobId}-4-2`);
    expect(jobs).toHaveLength(7);
    // The other five are published; the log says why scene 2 ran again.
    for (const [i, scene] of done.scenes.entries()) {
      if (i === 4) continue;
      expect(scene.outputs.length).toBeGreaterThan(0);
      for (const output of scene.outputs) await fs.access(path.join(publishedDir(jobId), output));
    }
    const log = await fs.readFile(path.join(publishedDir(jobId), "job_log.txt"), "utf8");
    expect(log).toMatch(new RegExp(`Image: ${scenes[2]} RETRIED: attempt 1 ended: .*OOMKilled`));
    expect(log).toContain(`Image: ${broken} FAILED`);
    expect(log.match(new RegExp(`Image: ${scenes[2]} PREPROCESSED`, "g"))).toHaveLength(1);
  }, 240_000);

  it("cancels a job mid fan-out: every scene pod is gone before DELETE returns, and nothing is published", async () => {
    const scenes = await fanOutSandbox(6, ["MAX_PARALLEL_SCENES: 2"]);
    // The pods start and stay running until they are deleted.
    kubelet = runKubelet(admin.core, NAMESPACE, {
      intervene: () => ({ afterMs: 600_000, ending: { exitCode: 137, reason: "Error" } }),
    });
    const server = await start();
    const jobId = await submit(server, scenes);
    await eventually(async () => ((await jobsOf(jobId)).length === 2 ? true : undefined), "two scene pods");
    const response = await fetch(`${server.url}/agricarta/preprocessing/${jobId}`, { method: "DELETE" });
    expect(response.status).toBe(200);
    const pods = await admin.core.listNamespacedPod({
      namespace: NAMESPACE,
      labelSelector: `agricarta.io/job-id=${jobId}`,
    });
    expect(pods.items).toEqual([]);
    expect(await jobsOf(jobId)).toEqual([]);
    expect((await statusOf(server, jobId)).status).toBe("dismissed");
    // Nothing more starts, and nothing is published.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await jobsOf(jobId)).toEqual([]);
    expect(await exists(publishedDir(jobId))).toBe(false);
  }, 120_000);

  it("an API SIGKILLed mid fan-out and restarted finishes the job, each scene run exactly once", async () => {
    const scenes = await fanOutSandbox(6, ["MAX_PARALLEL_SCENES: 2"]);
    // Each scene pod takes a while, so the API dies with some running and some ended.
    kubelet = runKubelet(admin.core, NAMESPACE);
    let server = await start();
    const jobId = await submit(server, scenes);
    await eventually(
      async () => ((await jobsOf(jobId)).length >= 3 ? true : undefined),
      "a third scene pod",
      60_000,
    );
    await server.stop("SIGKILL");
    servers = [];
    // Pods end while no API runs.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    server = await start();
    const done = await until(server, jobId, ["successful", "failed"]);
    expect(done).toMatchObject({ status: "successful", message: "Processed 6 scene(s)" });
    const jobs = await jobsOf(jobId);
    expect(jobs.map((j) => j.metadata?.name)).toEqual(scenes.map((_, i) => `agricarta-${jobId}-${i}-1`));
    expect(kubelet.ran.size).toBe(6);
    const log = await fs.readFile(path.join(publishedDir(jobId), "job_log.txt"), "utf8");
    for (const id of scenes) expect(log.match(new RegExp(`Image: ${id} PREPROCESSED`, "g"))).toHaveLength(1);
    expect(log).not.toMatch(/RETRIED/);
  }, 240_000);
});

describe("two API replicas with a leader lease", () => {
  it("when the leader is SIGKILLed the other takes over within the lease duration; each job runs once", async () => {
    const leaseSeconds = 4;
    const scenes = await fanOutSandbox(3, [
      "MAX_PARALLEL_SCENES: 1",
      "MAX_CONCURRENT_JOBS: 1",
      `LEADER_ELECTION: { LEASE_NAME: ${LEASE}, LEASE_DURATION: ${leaseSeconds}, RENEW_PERIOD: 1 }`,
    ]);
    kubelet = runKubelet(admin.core, NAMESPACE);
    const first = await start({ POD_NAME: "api-a" });
    const holder = async () =>
      (await coordination.readNamespacedLease({ name: LEASE, namespace: NAMESPACE })).spec?.holderIdentity;
    await eventually(async () => ((await holder()) === "api-a" ? true : undefined), "api-a to lead");
    const second = await start({ POD_NAME: "api-b" });
    // Both replicas accept jobs; the leader runs them one at a time (MAX_CONCURRENT_JOBS 1).
    const jobs = [
      await submit(first, scenes),
      await submit(second, scenes),
      await submit(second, [scenes[0]!]),
    ];
    await until(second, jobs[0]!, ["running"]);
    expect((await statusOf(second, jobs[1]!)).status).toBe("accepted");

    // Both answer reads throughout; the follower keeps answering while the leader is gone.
    let polling = true;
    const failedReads: string[] = [];
    const poll = (async () => {
      while (polling) {
        for (const jobId of jobs) {
          const response = await fetch(`${second.url}/agricarta/preprocessing/${jobId}`).catch(
            (error: Error) => error,
          );
          if (response instanceof Error) failedReads.push(response.message);
          else if (response.status !== 200) failedReads.push(`${jobId}: HTTP ${response.status}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    expect((await statusOf(first, jobs[2]!)).status).toBe("accepted");

    await first.stop("SIGKILL");
    const killedAt = Date.now();
    await eventually(async () => ((await holder()) === "api-b" ? true : undefined), "api-b to lead", 30_000);
    const takeoverMs = Date.now() - killedAt;
    process.stdout.write(
      `fan-out: api-b led ${takeoverMs} ms after api-a was SIGKILLed (lease ${leaseSeconds} s)\n`,
    );
    expect(takeoverMs).toBeLessThan((leaseSeconds + 1 + 3) * 1000);

    const ended = [];
    for (const jobId of jobs) ended.push(await until(second, jobId, ["successful", "failed", "dismissed"]));
    polling = false;
    await poll;
    expect(failedReads).toEqual([]);
    expect(ended.map((d) => d.status)).toEqual(["successful", "successful", "successful"]);
    // Each job's scenes ran exactly once: one Job per scene, attempt 1, and one line each in the log.
    for (const [n, jobId] of jobs.entries()) {
      const count = n === 2 ? 1 : 3;
      expect((await jobsOf(jobId)).map((j) => j.metadata?.name)).toEqual(
        Array.from({ length: count }, (_, i) => `agricarta-${jobId}-${i}-1`),
      );
      const log = await fs.readFile(path.join(publishedDir(jobId), "job_log.txt"), "utf8");
      expect(log.match(/PREPROCESSED/g)).toHaveLength(count);
    }
    expect(kubelet.ran.size).toBe(7);
  }, 300_000);
});
