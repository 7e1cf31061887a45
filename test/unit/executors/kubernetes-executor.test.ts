import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { KubeConfig, V1Job, V1Pod } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KubernetesExecutorConfig } from "../../../src/config/config.js";
import type { WorkerLaunch } from "../../../src/executors/executor.js";
import type { KubernetesClients } from "../../../src/executors/kubernetes/kubernetes-clients.js";
import { KubernetesExecutor } from "../../../src/executors/kubernetes/kubernetes-executor.js";
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
  deleted: { name: string; namespace: string }[];
  podLists: string[];
  logs: { name: string; namespace: string }[];
}

let dir: string;
let calls: Calls;
let informer: FakeInformer;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-k8s-"));
  calls = { created: [], deleted: [], podLists: [], logs: [] };
  informer = new FakeInformer();
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

function clients(answers: {
  created?: (body: V1Job) => V1Job;
  read?: V1Job;
  pods?: V1Pod[];
}): KubernetesClients {
  const fake = {
    batch: {
      createNamespacedJob: ({ body }: { body: V1Job }) => {
        calls.created.push(body);
        return Promise.resolve(answers.created?.(body) ?? body);
      },
      readNamespacedJob: () =>
        answers.read === undefined ? Promise.reject(new Error("not found")) : Promise.resolve(answers.read),
      deleteNamespacedJob: ({ name, namespace }: { name: string; namespace: string }) => {
        calls.deleted.push({ name, namespace });
        return Promise.resolve({});
      },
    },
    core: {
      listNamespacedPod: ({ namespace }: { namespace: string }) => {
        calls.podLists.push(namespace);
        return Promise.resolve({ items: answers.pods ?? [] });
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

function connect(fake: KubernetesClients, namespace = "agricarta"): Promise<KubernetesExecutor> {
  return KubernetesExecutor.connect({
    kubeConfig: {} as KubeConfig,
    namespace,
    kubernetes,
    activeDeadlineSeconds: 3600,
    logger: createLogger({ name: "test", consoleLevel: "fatal" }),
    stopTimeoutMs: 0,
    clients: fake,
  });
}

const launch = (): WorkerLaunch => ({
  jobId,
  jobDir: path.join(dir, jobId),
  cores: 1,
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
      clients({ read: { metadata: { name: `agricarta-${jobId}`, namespace: "agricarta", uid: "uid-2" } } }),
    );
    const { record } = await executor.start(launch());
    expect(record).toMatchObject({ uid: "uid-2" });
    expect(WorkerRecordSchema.safeParse(record).success).toBe(true);
  });

  it("never writes a record without a uid: a Job it cannot follow is deleted and the start fails", async () => {
    const executor = await connect(clients({}));
    await expect(executor.start(launch())).rejects.toThrow(/has no uid/);
    expect(calls.deleted).toEqual([{ name: `agricarta-${jobId}`, namespace: "agricarta" }]);
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
    const executor = await connect(clients({ pods: [pod] }), "agricarta");
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
