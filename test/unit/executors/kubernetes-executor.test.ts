import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ApiException, type KubeConfig, type V1Job, type V1Pod } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KubernetesExecutorConfig } from "../../../src/config/config.js";
import type { WorkerLaunch } from "../../../src/executors/executor.js";
import type { KubernetesClients } from "../../../src/executors/kubernetes/kubernetes-clients.js";
import { KubernetesExecutor } from "../../../src/executors/kubernetes/kubernetes-executor.js";
import { findLostWorkers } from "../../../src/executors/kubernetes/lost-workers.js";
import { buildWorkerJob } from "../../../src/executors/kubernetes/worker-job.js";
import { WorkerRecordSchema } from "../../../src/executors/worker-record.js";
import { createLogger } from "../../../src/logging/create-logger.js";

// The Kubernetes executor against stand-in API clients: what it records and where it reads. The cluster suite
// runs it against a real API server.

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
  serviceAccount: undefined,
  ttlAfterFinishedSeconds: 60,
};
const jobId = "0190a5c2-1b2c-7d3e-8f40-123456789abc";

type Handler = (job: V1Job) => void;

/** An informer over a fixed set of Jobs: start() lists nothing new, events come from the test. */
class FakeInformer {
  readonly jobs = new Map<string, V1Job>();
  readonly #handlers = new Map<string, Set<Handler>>();
  on(verb: string, handler: Handler): void {
    if (!this.#handlers.has(verb)) this.#handlers.set(verb, new Set());
    this.#handlers.get(verb)!.add(handler);
  }
  off(verb: string, handler: Handler): void {
    this.#handlers.get(verb)?.delete(handler);
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  get(name: string, namespace?: string): V1Job | undefined {
    return this.jobs.get(`${namespace}/${name}`);
  }
  list(): V1Job[] {
    return [...this.jobs.values()];
  }
}

interface Calls {
  created: V1Job[];
  deleted: { name: string; namespace: string; uid: string | undefined }[];
  podLists: { namespace: string; labelSelector: string | undefined }[];
  jobLists: { namespace: string; labelSelector: string | undefined }[];
  logs: { name: string; namespace: string }[];
}

let dir: string;
let calls: Calls;
let informer: FakeInformer;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-k8s-"));
  calls = { created: [], deleted: [], podLists: [], jobLists: [], logs: [] };
  informer = new FakeInformer();
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

function clients(answers: {
  created?: (body: V1Job) => V1Job;
  createError?: Error;
  read?: V1Job;
  pods?: V1Pod[] | ((labelSelector: string | undefined) => V1Pod[]);
  listed?: V1Job[] | Error;
}): KubernetesClients {
  const fake = {
    batch: {
      createNamespacedJob: ({ body }: { body: V1Job }) => {
        calls.created.push(body);
        if (answers.createError !== undefined) return Promise.reject(answers.createError);
        return Promise.resolve(answers.created?.(body) ?? body);
      },
      readNamespacedJob: () =>
        answers.read === undefined ? Promise.reject(new Error("not found")) : Promise.resolve(answers.read),
      deleteNamespacedJob: (request: {
        name: string;
        namespace: string;
        body?: { preconditions?: { uid?: string } };
      }) => {
        const { name, namespace } = request;
        calls.deleted.push({ name, namespace, uid: request.body?.preconditions?.uid });
        return Promise.resolve({});
      },
      listNamespacedJob: ({ namespace, labelSelector }: { namespace: string; labelSelector?: string }) => {
        calls.jobLists.push({ namespace, labelSelector });
        if (answers.listed instanceof Error) return Promise.reject(answers.listed);
        return Promise.resolve({ items: answers.listed ?? [] });
      },
    },
    core: {
      listNamespacedPod: ({ namespace, labelSelector }: { namespace: string; labelSelector?: string }) => {
        calls.podLists.push({ namespace, labelSelector });
        const pods = typeof answers.pods === "function" ? answers.pods(labelSelector) : answers.pods;
        return Promise.resolve({ items: pods ?? [] });
      },
      readNamespacedPodLog: ({ name, namespace }: { name: string; namespace: string }) => {
        calls.logs.push({ name, namespace });
        return Promise.resolve("worker: failing on purpose\n");
      },
    },
    informer,
  };
  return fake;
}

const executors: KubernetesExecutor[] = [];
afterEach(async () => {
  for (const executor of executors.splice(0)) await executor.close();
});

async function connect(
  fake: KubernetesClients,
  options: { namespace?: string; lostWorkerCheckMs?: number; stopTimeoutMs?: number } = {},
): Promise<KubernetesExecutor> {
  const executor = await KubernetesExecutor.connect({
    kubeConfig: {} as KubeConfig,
    namespace: options.namespace ?? "agricarta",
    kubernetes,
    activeDeadlineSeconds: 3600,
    logger: createLogger({ name: "test", consoleLevel: "fatal" }),
    stopTimeoutMs: options.stopTimeoutMs ?? 0,
    lostWorkerCheckMs: options.lostWorkerCheckMs ?? 60_000,
    clients: fake,
  });
  executors.push(executor);
  return executor;
}

const launch = (index = 0, attempt = 1): WorkerLaunch => ({
  jobId,
  jobDir: path.join(dir, jobId),
  task: { index, attempt },
  cores: 1,
  threads: 1,
  logs: {
    stdout: path.join(dir, jobId, "out.log"),
    stderr: path.join(dir, jobId, "err.log"),
    combined: path.join(dir, jobId, "pod.log"),
  },
});

describe("KubernetesExecutor.start", () => {
  it("records the uid the API server gave the Job, as a record that reads back", async () => {
    const executor = await connect(
      clients({ created: (body) => ({ ...body, metadata: { ...body.metadata, uid: "uid-1" } }) }),
    );
    const { record } = await executor.start(launch());
    expect(record).toMatchObject({ executor: "kubernetes", namespace: "agricarta", uid: "uid-1" });
    expect(WorkerRecordSchema.parse(record)).toEqual(record);
  });

  it("reads the Job back when the answer has no uid", async () => {
    const executor = await connect(
      clients({
        read: { metadata: { name: `agricarta-${jobId}-0-1`, namespace: "agricarta", uid: "uid-2" } },
      }),
    );
    const { record } = await executor.start(launch());
    expect(record).toMatchObject({ uid: "uid-2" });
    expect(WorkerRecordSchema.safeParse(record).success).toBe(true);
  });

  it("never writes a record without a uid: a Job it cannot follow is deleted and the start fails", async () => {
    const executor = await connect(clients({}));
    await expect(executor.start(launch())).rejects.toThrow(/has no uid/);
    expect(calls.deleted).toEqual([
      { name: `agricarta-${jobId}-0-1`, namespace: "agricarta", uid: undefined },
    ]);
  });

  it("carries on with a Job of the same name only when it runs the same job, task and attempt", async () => {
    const conflict = new ApiException(409, "Conflict", { message: "already exists" }, {});
    const earlier = buildWorkerJob(launch(0, 1), {
      namespace: "agricarta",
      kubernetes,
      activeDeadlineSeconds: 60,
    });
    const adopted = await connect(
      clients({
        createError: conflict,
        read: { ...earlier, metadata: { ...earlier.metadata, uid: "uid-e" } },
      }),
    );
    expect((await adopted.start(launch(0, 1))).record).toMatchObject({ uid: "uid-e" });

    const other = buildWorkerJob(launch(0, 2), {
      namespace: "agricarta",
      kubernetes,
      activeDeadlineSeconds: 60,
    });
    const foreign = {
      ...earlier,
      metadata: { ...earlier.metadata, labels: other.metadata?.labels ?? {}, uid: "uid-f" },
    };
    const refused = await connect(clients({ createError: conflict, read: foreign }));
    await expect(refused.start(launch(0, 1))).rejects.toThrow(/could not create Kubernetes Job .*: 409/);
  });
});

describe("KubernetesExecutor, an ended Job", () => {
  it("saves the pod's log from the record's namespace to the file the launch named, and says where it is", async () => {
    await fs.mkdir(path.join(dir, jobId));
    const job = buildWorkerJob(launch(), { namespace: "elsewhere", kubernetes, activeDeadlineSeconds: 60 });
    const ended: V1Job = {
      ...job,
      metadata: { ...job.metadata, namespace: "elsewhere", uid: "uid-3" },
      status: { conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }] },
    };
    informer.jobs.set(`elsewhere/agricarta-${jobId}`, ended);
    const pod: V1Pod = { metadata: { name: `agricarta-${jobId}-abcde`, namespace: "elsewhere" } };
    // The executor now watches another namespace than the one the earlier API process recorded.
    const executor = await connect(clients({ pods: [pod] }), { namespace: "agricarta" });
    const record = {
      executor: "kubernetes" as const,
      namespace: "elsewhere",
      name: `agricarta-${jobId}`,
      uid: "uid-3",
      startedAt: new Date().toISOString(),
    };
    const exit = await executor.follow(record);
    expect(calls.logs).toEqual([{ name: `agricarta-${jobId}-abcde`, namespace: "elsewhere" }]);
    expect(await fs.readFile(path.join(dir, jobId, "pod.log"), "utf8")).toBe("worker: failing on purpose\n");
    expect(exit).toMatchObject({ exitCode: undefined, logHint: "its log is in pod.log" });
    expect(exit?.reason).toMatch(/^Kubernetes Job elsewhere\/agricarta-.* failed \(BackoffLimitExceeded\)$/);
  });
});

describe("KubernetesExecutor.stopAll", () => {
  const record = (name: string, uid: string, namespace = "agricarta") => ({
    executor: "kubernetes" as const,
    namespace,
    name,
    uid,
    startedAt: new Date().toISOString(),
  });
  const listedJob = (name: string, uid: string): V1Job => ({
    metadata: { name, namespace: "agricarta", uid },
  });

  it("deletes the recorded Jobs and those labelled with the job's id, each by uid, then waits for their pods", async () => {
    let podChecks = 0;
    const pod: V1Pod = { metadata: { name: "still-there" } };
    const executor = await connect(
      clients({
        listed: [listedJob("agricarta-j-0-1", "uid-a"), listedJob("agricarta-j-1-1", "uid-b")],
        // The pods go on the second look.
        pods: () => (++podChecks === 1 ? [pod] : []),
      }),
      { stopTimeoutMs: 10_000 },
    );
    await executor.stopAll(jobId, [
      record("agricarta-j-0-1", "uid-a"),
      record("agricarta-j-0-0", "uid-old", "other"),
    ]);
    expect(calls.jobLists).toEqual([
      { namespace: "agricarta", labelSelector: `agricarta.io/job-id=${jobId}` },
    ]);
    expect(calls.deleted).toEqual(
      expect.arrayContaining([
        { name: "agricarta-j-0-1", namespace: "agricarta", uid: "uid-a" },
        { name: "agricarta-j-0-0", namespace: "other", uid: "uid-old" },
        { name: "agricarta-j-1-1", namespace: "agricarta", uid: "uid-b" },
      ]),
    );
    expect(calls.deleted).toHaveLength(3);
    // Pods by the job's label, in the executor's namespace and the records'.
    expect(new Set(calls.podLists.map((l) => `${l.namespace} ${l.labelSelector}`))).toEqual(
      new Set([`agricarta agricarta.io/job-id=${jobId}`, `other agricarta.io/job-id=${jobId}`]),
    );
    expect(podChecks).toBeGreaterThanOrEqual(2);
  });

  it("still deletes the recorded Jobs when the others cannot be listed, then says so", async () => {
    const executor = await connect(clients({ listed: new Error("connection refused") }));
    await expect(executor.stopAll(jobId, [record("agricarta-j-0-1", "uid-a")])).rejects.toThrow(
      /could not list the Kubernetes Jobs of job .*: connection refused/,
    );
    expect(calls.deleted).toEqual([{ name: "agricarta-j-0-1", namespace: "agricarta", uid: "uid-a" }]);
  });
});

describe("KubernetesExecutor, a worker lost with its node", () => {
  it("ends the Job whose pod was deleted before the worker ended, and reports the cause", async () => {
    const started = buildWorkerJob(launch(), {
      namespace: "agricarta",
      kubernetes,
      activeDeadlineSeconds: 60,
    });
    const name = started.metadata?.name ?? "";
    const job: V1Job = { ...started, metadata: { ...started.metadata, uid: "uid-l" }, status: { active: 1 } };
    informer.jobs.set(`agricarta/${name}`, job);
    const lostPod: V1Pod = {
      metadata: {
        name: `${name}-abcde`,
        labels: { "controller-uid": "uid-l" },
        deletionTimestamp: new Date(),
      },
      spec: { nodeName: "node-3", containers: [] },
      status: { phase: "Running", conditions: [{ type: "Ready", status: "False" }] },
    };
    const executor = await connect(clients({ pods: [lostPod], read: job }), { lostWorkerCheckMs: 20 });
    const exit = await executor.follow({
      executor: "kubernetes",
      namespace: "agricarta",
      name,
      uid: "uid-l",
      startedAt: new Date().toISOString(),
    });
    expect(exit?.reason).toBe(
      `Kubernetes Job agricarta/${name} lost its worker: pod ${name}-abcde: deleted by the node controller on ` +
        "node node-3: the node stopped reporting (node lost)",
    );
    expect(calls.deleted).toEqual([{ name, namespace: "agricarta", uid: "uid-l" }]);
  });
});

describe("findLostWorkers", () => {
  it("leaves alone a Job past its deadline: its controller deletes the pod before it writes DeadlineExceeded", async () => {
    const deletedPod = (uid: string): V1Pod => ({
      metadata: { name: `p-${uid}`, labels: { "controller-uid": uid }, deletionTimestamp: new Date() },
      status: { phase: "Running" },
    });
    const job = (uid: string, startedSecondsAgo: number): V1Job => ({
      metadata: { name: `j-${uid}`, namespace: "agricarta", uid },
      spec: { activeDeadlineSeconds: 60, template: {} },
      status: { startTime: new Date(Date.now() - startedSecondsAgo * 1000) },
    });
    const fake = clients({ pods: [deletedPod("late"), deletedPod("lost")] });
    const lost = await findLostWorkers(fake.core, "agricarta", [job("late", 61), job("lost", 10)]);
    expect([...lost.keys()]).toEqual(["lost"]);
  });
});
