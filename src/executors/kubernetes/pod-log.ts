import fs from "node:fs/promises";
import type { V1Job } from "@kubernetes/client-node";
import type { Logger } from "../../logging/create-logger.js";
import type { KubernetesClients } from "./kubernetes-clients.js";
import { kubernetesMessage } from "./kubernetes-errors.js";
import { logFileOf, WORKER_CONTAINER } from "./worker-job.js";

// An ended worker pod's log, kept with its job: the cluster removes the pod after TTL_AFTER_FINISHED.

/** Most of a pod's log that is kept; the worker's own log lines say what went wrong near the end. */
const LOG_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Saves the worker container's log to the file named on its Job (the launch's combined log file). Returns
 * that file, or undefined when there was no log to keep: a pod that never ran, a node that is gone.
 */
export async function savePodLog(
  core: KubernetesClients["core"],
  job: V1Job,
  namespace: string,
  podName: string | undefined,
  log: Logger,
): Promise<string | undefined> {
  const file = logFileOf(job);
  if (podName === undefined || file === undefined) return undefined;
  try {
    const text = await core.readNamespacedPodLog({
      name: podName,
      namespace,
      container: WORKER_CONTAINER,
      limitBytes: LOG_LIMIT_BYTES,
    });
    await fs.writeFile(file, text);
    return file;
  } catch (error) {
    log.info({ pod: podName, err: kubernetesMessage(error) }, "no log from the worker's pod");
    return undefined;
  }
}
