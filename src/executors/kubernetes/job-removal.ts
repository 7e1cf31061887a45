import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../../logging/create-logger.js";
import type { KubernetesClients } from "./kubernetes-clients.js";
import { kubernetesMessage, statusCodeOf } from "./kubernetes-errors.js";
import { jobSelector } from "./worker-job.js";

// Removing worker Jobs: a stop, a cancel, a worker lost with its node. A Job goes at once; its pod goes after it
// (the garbage collector deletes it, its kubelet stops the worker), which is what a stop waits for.

/** One worker Job, by its uid: never a later Job of the same name. */
export interface JobTarget {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** Deletes a worker Job and, in the background, its pod. A Job already gone (404) or replaced (409) is fine. */
export async function deleteWorkerJob(batch: KubernetesClients["batch"], target: JobTarget): Promise<void> {
  const { name, namespace, uid } = target;
  try {
    await batch.deleteNamespacedJob({
      name,
      namespace,
      // In the body, not the query: with a body the server reads only the body, and a batch/v1 Job deleted
      // without a propagation policy orphans its pod, leaving the worker running. The uid precondition deletes
      // only this Job, never a later one of the same name.
      body: { propagationPolicy: "Background", preconditions: { uid } },
    });
  } catch (error) {
    const code = statusCodeOf(error);
    if (code === 404 || code === 409) return;
    throw new Error(`could not delete Kubernetes Job ${namespace}/${name}: ${kubernetesMessage(error)}`, {
      cause: error,
    });
  }
}

/** Every worker Job in the namespace labelled with the job's id, recorded or not. */
export async function listJobTargets(
  batch: KubernetesClients["batch"],
  namespace: string,
  jobId: string,
): Promise<JobTarget[]> {
  try {
    const listed = await batch.listNamespacedJob({ namespace, labelSelector: jobSelector(jobId) });
    return listed.items.flatMap(({ metadata }) =>
      metadata?.name === undefined || metadata.uid === undefined
        ? []
        : [{ namespace, name: metadata.name, uid: metadata.uid }],
    );
  } catch (error) {
    throw new Error(`could not list the Kubernetes Jobs of job ${jobId}: ${kubernetesMessage(error)}`, {
      cause: error,
    });
  }
}

export interface Removal {
  readonly targets: readonly JobTarget[];
  /** The pods to wait for: those matching the selector in the namespaces. */
  readonly pods: { readonly namespaces: readonly string[]; readonly labelSelector: string };
  readonly timeoutMs: number;
  /** What went wrong before (a list that failed): thrown with the deletions' failures, after the wait. */
  readonly failures?: readonly unknown[];
  readonly logger: Logger;
}

/**
 * Deletes the Jobs, all at once, then waits until no pod matching the selector is left in the namespaces: the
 * workers have stopped (past the timeout it says so in the log and returns). Pods are waited for even when a
 * deletion failed, so that those deleted are gone; then the failures are thrown.
 */
export async function removeWorkerJobs(clients: Pick<KubernetesClients, "batch" | "core">, removal: Removal) {
  const { targets, pods, timeoutMs, logger } = removal;
  const deleted = await Promise.allSettled(targets.map((target) => deleteWorkerJob(clients.batch, target)));
  const failures = [
    ...(removal.failures ?? []),
    ...deleted.flatMap((result): unknown[] => (result.status === "rejected" ? [result.reason] : [])),
  ];
  const deadline = Date.now() + timeoutMs;
  for (const namespace of new Set(pods.namespaces)) {
    if (!(await waitForNoPods(clients.core, namespace, pods.labelSelector, deadline))) {
      logger.warn({ namespace, ...pods }, "worker pods are still there after the stop timeout");
      break;
    }
  }
  if (failures.length > 0) {
    throw new Error(failures.map((f) => (f instanceof Error ? f.message : String(f))).join("; "), {
      cause: failures[0],
    });
  }
}

async function waitForNoPods(
  core: KubernetesClients["core"],
  namespace: string,
  labelSelector: string,
  deadline: number,
): Promise<boolean> {
  for (;;) {
    const pods = await core.listNamespacedPod({ namespace, labelSelector });
    if (pods.items.length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(250);
  }
}
