import type { V1Job, V1Pod } from "@kubernetes/client-node";

// Reads a worker Job (and its pods) as the job service needs it: still running, or ended and how, in words that
// name the cluster's part when it had one (an OOM kill, an eviction, the deadline, a lost node), so that the API
// can put the cause in the job's log.

export type JobOutcome =
  | { readonly ended: false }
  | {
      readonly ended: true;
      readonly succeeded: boolean;
      readonly exitCode: number | undefined;
      readonly reason: string;
    };

export function jobOutcome(job: V1Job, pods: readonly V1Pod[] = []): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  const complete = conditions.find((c) => c.type === "Complete" && c.status === "True");
  const failed = conditions.find((c) => c.type === "Failed" && c.status === "True");
  if (complete === undefined && failed === undefined) return { ended: false };
  const name = jobName(job);
  if (complete !== undefined)
    return { ended: true, succeeded: true, exitCode: 0, reason: `${name} completed` };
  // DeadlineExceeded (activeDeadlineSeconds) or BackoffLimitExceeded (its one pod failed), with the message.
  const why = [failed?.reason, failed?.message].filter(Boolean).join(": ");
  const pod = describePods(pods);
  return {
    ended: true,
    succeeded: false,
    exitCode: pod.exitCode,
    reason: `${name} failed${why === "" ? "" : ` (${why})`}${pod.text === "" ? "" : `; ${pod.text}`}`,
  };
}

/**
 * Why a Job that has not ended lost its worker, or undefined when it has not: its pod was deleted before the worker
 * ended (the node controller deleting the pods of a lost node, a drain, a preemption) or marked NodeLost. Such a
 * pod is not a failed one, so backoffLimit does not stop the Job controller from starting a replacement pod on
 * the same attempt; the executor ends the Job instead and reports this.
 */
export function lostWorker(job: V1Job, pods: readonly V1Pod[]): string | undefined {
  const lost = pods.filter(isLost);
  if (lost.length === 0) return undefined;
  return `${jobName(job)} lost its worker: ${describePods(lost).text}`;
}

function jobName(job: V1Job): string {
  return `Kubernetes Job ${job.metadata?.namespace}/${job.metadata?.name}`;
}

function isLost(pod: V1Pod): boolean {
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return false;
  return pod.status?.reason === "NodeLost" || pod.metadata?.deletionTimestamp != null;
}

/**
 * What the pods say about how the worker ended: the pod's reason (Evicted, NodeLost), its deletion before the
 * worker ended, and each container's termination (OOMKilled, Error) with its exit code.
 */
function describePods(pods: readonly V1Pod[]): { text: string; exitCode: number | undefined } {
  let exitCode: number | undefined;
  const parts: string[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "pod";
    const podWhy = [pod.status?.reason, pod.status?.message].filter(Boolean).join(": ");
    const containers = (pod.status?.containerStatuses ?? []).flatMap((status) => {
      const terminated = status.state?.terminated ?? status.lastState?.terminated;
      if (terminated === undefined) return [];
      exitCode ??= terminated.exitCode;
      const signal = terminated.signal === undefined ? "" : `, signal ${terminated.signal}`;
      const what = terminated.reason ?? "terminated";
      const message = terminated.message === undefined ? "" : ` (${terminated.message.trim()})`;
      return [`container ${status.name} ${what}${message}, exit code ${terminated.exitCode}${signal}`];
    });
    const said = [podWhy, describeDeletion(pod), ...containers].filter((s) => s !== "");
    if (said.length > 0) parts.push(`pod ${name}: ${said.join("; ")}`);
  }
  return { text: parts.join("; "), exitCode };
}

/** Who deleted a pod before its worker ended, as far as the pod tells; "" for a pod not deleted, or ended. */
function describeDeletion(pod: V1Pod): string {
  if (pod.metadata?.deletionTimestamp == null) return "";
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return "";
  // Older node controllers mark the pods of an unresponsive node NodeLost before deleting them: that says it.
  if (pod.status?.reason === "NodeLost") return "";
  const node = pod.spec?.nodeName === undefined ? "" : ` on node ${pod.spec.nodeName}`;
  // Clusters from 1.26 say why on the pod: DeletionByTaintManager (the node controller), DeletionByPodGC (its node
  // is gone), EvictionByEvictionAPI (a drain), PreemptionByScheduler.
  const disruption = pod.status?.conditions?.find(
    (c) => c.type === "DisruptionTarget" && c.status === "True",
  );
  if (disruption !== undefined) {
    const why = [disruption.reason, disruption.message].filter(Boolean).join(": ");
    return `deleted before its worker ended${node} (${why})`;
  }
  // Older clusters do not; their node controller marks the pods of a node that stopped reporting not ready (with no
  // reason, unlike the kubelet) before it deletes them.
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status === "False" && !ready.reason) {
    return `deleted by the node controller${node}: the node stopped reporting (node lost)`;
  }
  return `deleted before its worker ended${node} (a lost node, a drain or a preemption)`;
}
