import {
  BatchV1Api,
  CoreV1Api,
  makeInformer,
  type Informer,
  type KubeConfig,
  type ObjectCache,
  type V1Job,
} from "@kubernetes/client-node";
import { WORKER_SELECTOR } from "./worker-job.js";

// What the Kubernetes executor asks of the API server: Jobs and pods, and a watch on the worker Jobs of one
// namespace. One place builds the real clients; unit tests hand the executor stand-ins instead.

export interface KubernetesClients {
  readonly batch: Pick<
    BatchV1Api,
    "createNamespacedJob" | "deleteNamespacedJob" | "readNamespacedJob" | "listNamespacedJob"
  >;
  readonly core: Pick<CoreV1Api, "listNamespacedPod" | "readNamespacedPodLog">;
  /** The namespace's worker Jobs: one list, then a watch, with a cache of what they are now. */
  readonly informer: Informer<V1Job> & ObjectCache<V1Job>;
}

export function createKubernetesClients(kubeConfig: KubeConfig, namespace: string): KubernetesClients {
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const informer = makeInformer(
    kubeConfig,
    `/apis/batch/v1/namespaces/${namespace}/jobs`,
    () => batch.listNamespacedJob({ namespace, labelSelector: WORKER_SELECTOR }),
    WORKER_SELECTOR,
  );
  return { batch, core, informer };
}
