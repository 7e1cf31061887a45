import type { V1Job } from "@kubernetes/client-node";
import type { Logger } from "../../logging/create-logger.js";
import type { KubernetesClients } from "./kubernetes-clients.js";
import { jobOutcome, lostWorker } from "./job-outcome.js";
import { WORKER_SELECTOR } from "./worker-job.js";

// Now and then, the pods of a namespace's running worker Jobs, read in one list, for a worker lost with its node:
// its pod deleted before it ended, which does not fail its Job (see lostWorker). The Job watch alone does not
// show it: the Job controller replaces the pod without changing the Job's status.

export interface LostWorkerCheckOptions {
  readonly core: KubernetesClients["core"];
  readonly namespace: string;
  readonly intervalMs: number;
  /** The Jobs of the workers being followed now (and not being stopped). */
  readonly candidates: () => readonly V1Job[];
  /** A followed worker was lost: its Job's uid, and the cause in words. */
  readonly onLost: (uid: string, reason: string) => Promise<void>;
  readonly logger: Logger;
}

/** Checks every intervalMs, one check at a time, until stopped. */
export function startLostWorkerCheck(options: LostWorkerCheckOptions): { stop(): void } {
  let checking = false;
  const check = async (): Promise<void> => {
    const lost = await findLostWorkers(options.core, options.namespace, options.candidates());
    for (const [uid, reason] of lost) await options.onLost(uid, reason);
  };
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    void check()
      .catch((error: unknown) => options.logger.warn({ err: error }, "could not check the worker pods"))
      .finally(() => (checking = false));
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The uids of the given Jobs that lost their worker, each with the cause in words. */
export async function findLostWorkers(
  core: KubernetesClients["core"],
  namespace: string,
  jobs: readonly V1Job[],
): Promise<Map<string, string>> {
  const running = jobs.filter(
    (job) => job.metadata?.deletionTimestamp == null && !jobOutcome(job).ended && !pastDeadline(job),
  );
  const lost = new Map<string, string>();
  if (running.length === 0) return lost;
  const pods = (await core.listNamespacedPod({ namespace, labelSelector: WORKER_SELECTOR })).items;
  for (const job of running) {
    const uid = job.metadata?.uid;
    if (uid === undefined) continue;
    const reason = lostWorker(
      job,
      pods.filter((pod) => pod.metadata?.labels?.["controller-uid"] === uid),
    );
    if (reason !== undefined) lost.set(uid, reason);
  }
  return lost;
}

/**
 * A Job past its activeDeadlineSeconds is being failed by its controller, which deletes its pod before it writes
 * the Failed condition: that pod is not lost, and the Job says DeadlineExceeded soon after.
 */
function pastDeadline(job: V1Job, now = Date.now()): boolean {
  const started = job.status?.startTime;
  const deadline = job.spec?.activeDeadlineSeconds;
  if (started === undefined || deadline === undefined) return false;
  return now >= new Date(started).getTime() + deadline * 1000;
}
