import { setTimeout as sleep } from "node:timers/promises";
import type {
  CoreV1Api,
  V1ContainerState,
  V1ContainerStateTerminated,
  V1ContainerStatus,
  V1Pod,
  V1PodStatus,
} from "@kubernetes/client-node";
import { execa } from "execa";
import { WORKER_SELECTOR } from "../../../src/executors/kubernetes/worker-job.js";
import { eventually } from "./kube.js";

// The test control plane has no kubelet, so a Job's pod stays Pending. These helpers play the kubelet: write a
// pod's final status (Succeeded, Failed, OOMKilled), or really run its container's command on this machine and
// report how it ended; the Job controller then completes or fails the Job.

export interface Ending {
  readonly exitCode: number;
  /** The container's termination reason, as a kubelet reports it: Completed, Error, OOMKilled. */
  readonly reason?: string;
}

/** The pod the Job controller made for a worker Job. */
export function podOf(core: CoreV1Api, namespace: string, jobUid: string): Promise<V1Pod> {
  return eventually(async () => {
    const list = await core.listNamespacedPod({ namespace, labelSelector: `controller-uid=${jobUid}` });
    return list.items[0];
  }, `the pod of Job ${jobUid}`);
}

/** Ends a pod's container as a kubelet would report it. */
export async function endPod(core: CoreV1Api, pod: V1Pod, ending: Ending): Promise<void> {
  const now = new Date();
  const terminated: V1ContainerStateTerminated = {
    exitCode: ending.exitCode,
    reason: ending.reason ?? (ending.exitCode === 0 ? "Completed" : "Error"),
    startedAt: now,
    finishedAt: now,
  };
  await writeStatus(core, pod, {
    phase: ending.exitCode === 0 ? "Succeeded" : "Failed",
    containerStatuses: [containerStatus(pod, { terminated })],
  });
}

/** Leaves a pod Pending with its container waiting, as a kubelet reports an image it cannot pull. */
export async function holdPod(core: CoreV1Api, pod: V1Pod, reason: string, message: string): Promise<void> {
  await writeStatus(core, pod, {
    phase: "Pending",
    containerStatuses: [containerStatus(pod, { waiting: { reason, message } })],
  });
}

/** Fails a pod as a kubelet evicting it under node pressure reports it: phase Failed, the pod's reason Evicted. */
export async function evictPod(
  core: CoreV1Api,
  pod: V1Pod,
  message = "The node was low on resource: memory. Container worker was using 3Gi, which exceeds its request of 512Mi.",
): Promise<void> {
  await writeStatus(core, pod, { phase: "Failed", reason: "Evicted", message });
}

/** Puts a pod on a node, as the scheduler would (the test control plane has none): a pods/binding. */
export async function bindPod(core: CoreV1Api, pod: V1Pod, node: string): Promise<void> {
  const name = pod.metadata?.name ?? "";
  await core.createNamespacedPodBinding({
    name,
    namespace: pod.metadata?.namespace ?? "",
    body: { metadata: { name }, target: { apiVersion: "v1", kind: "Node", name: node } },
  });
}

/**
 * Plays a node lost while the pod's worker ran there: the pod bound and running, then what the node controller
 * does when the node stops reporting (marks the pod not ready, with no reason, then deletes it). No kubelet
 * confirms the deletion, so the pod stays, terminating, as on a real lost node.
 */
export async function loseNode(core: CoreV1Api, pod: V1Pod, node: string): Promise<void> {
  await bindPod(core, pod, node);
  const running = containerStatus(pod, { running: { startedAt: new Date() } });
  const since = new Date();
  await writeStatus(core, pod, {
    phase: "Running",
    startTime: since,
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: since }],
    containerStatuses: [{ ...running, ready: true }],
  });
  await writeStatus(core, pod, {
    phase: "Running",
    startTime: since,
    conditions: [{ type: "Ready", status: "False", lastTransitionTime: new Date() }],
    containerStatuses: [running],
  });
  await core.deleteNamespacedPod({
    name: pod.metadata?.name ?? "",
    namespace: pod.metadata?.namespace ?? "",
  });
}

/**
 * Plays the kubelet of a pod bound to a node: once the pod is being deleted, its container takes afterMs to stop,
 * then the kubelet confirms (the pod goes). Resolves when the pod is gone.
 */
export async function confirmDeletion(core: CoreV1Api, pod: V1Pod, afterMs: number): Promise<void> {
  const name = pod.metadata?.name ?? "";
  const namespace = pod.metadata?.namespace ?? "";
  await eventually(async () => {
    const current = await core.readNamespacedPod({ name, namespace });
    return current.metadata?.deletionTimestamp ? true : undefined;
  }, `pod ${name} to be deleted`);
  await sleep(afterMs);
  await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
}

async function writeStatus(core: CoreV1Api, pod: V1Pod, status: V1PodStatus): Promise<void> {
  const name = pod.metadata?.name ?? "";
  const namespace = pod.metadata?.namespace ?? "";
  const current = await core.readNamespacedPodStatus({ name, namespace });
  await core.replaceNamespacedPodStatus({ name, namespace, body: { ...current, status } });
}

function containerStatus(pod: V1Pod, state: V1ContainerState): V1ContainerStatus {
  const container = pod.spec?.containers[0];
  return {
    name: container?.name ?? "worker",
    image: container?.image ?? "",
    imageID: "",
    ready: false,
    restartCount: 0,
    state,
  };
}

/** A pod's container, run here. */
interface LocalProcess {
  kill(signal: NodeJS.Signals): boolean;
}

export interface RunningKubelet {
  /** Pods whose command ran, by name. */
  readonly ran: ReadonlySet<string>;
  stop(): Promise<void>;
}

export interface KubeletOptions {
  /** Decides how a started container ends instead of its own exit: e.g. kill it and report OOMKilled. */
  readonly intervene?: (pod: V1Pod) => { afterMs: number; ending: Ending } | undefined;
}

/**
 * Runs the container command of every new worker pod in the namespace as a local process, reports Running, then the
 * process's exit as the container's termination. A pod that is deleted has its process stopped (SIGTERM), as a
 * kubelet does when a Job is deleted.
 */
export function runKubelet(core: CoreV1Api, namespace: string, options: KubeletOptions = {}): RunningKubelet {
  const ran = new Set<string>();
  const processes = new Map<string, LocalProcess>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      // Worker pods only: the API's own Deployment (k8s/) is in the namespace too, and it stays Pending.
      const pods = await core
        .listNamespacedPod({ namespace, labelSelector: WORKER_SELECTOR })
        .catch(() => undefined);
      const present = new Set((pods?.items ?? []).map((p) => p.metadata?.name ?? ""));
      for (const [name, child] of processes) {
        if (!present.has(name)) child.kill("SIGTERM");
      }
      for (const pod of pods?.items ?? []) {
        const name = pod.metadata?.name ?? "";
        if (ran.has(name) || pod.status?.phase !== "Pending" || pod.metadata?.deletionTimestamp) continue;
        ran.add(name);
        void runPod(core, pod, processes, options).catch(() => undefined);
      }
      await sleep(200);
    }
  })();
  return {
    ran,
    async stop() {
      stopped = true;
      await loop;
      for (const child of processes.values()) child.kill("SIGKILL");
    },
  };
}

async function runPod(
  core: CoreV1Api,
  pod: V1Pod,
  processes: Map<string, LocalProcess>,
  options: KubeletOptions,
): Promise<void> {
  const container = pod.spec?.containers[0];
  const [file, ...args] = [...(container?.command ?? []), ...(container?.args ?? [])];
  const name = pod.metadata?.name ?? "";
  const child = execa(file ?? "false", args, { reject: false, stdin: "ignore" });
  processes.set(name, child);
  await writeStatus(core, pod, {
    phase: "Running",
    startTime: new Date(),
    containerStatuses: [containerStatus(pod, { running: { startedAt: new Date() } })],
  });
  const intervention = options.intervene?.(pod);
  let forced: Ending | undefined;
  if (intervention !== undefined) {
    setTimeout(() => {
      forced = intervention.ending;
      child.kill("SIGKILL");
    }, intervention.afterMs);
  }
  const result = await child;
  processes.delete(name);
  const exitCode = result.exitCode ?? (result.signal === "SIGTERM" ? 143 : 137);
  await endPod(core, pod, forced ?? { exitCode }).catch(() => undefined);
}
