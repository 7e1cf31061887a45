import type { V1Pod } from "@kubernetes/client-node";
import type { WorkerStartup } from "../executor.js";

// Whether a worker's pod has started, from what the scheduler and kubelet wrote on it. Waiting for a node or for
// an image to arrive is a normal part of running on a busy cluster; a pull or container error is not mended by
// waiting.

/** Container waiting reasons that stay until someone changes the Job (image name, pull secret, config). */
const STUCK_REASONS = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

export function podStartup(pods: readonly V1Pod[]): WorkerStartup {
  const pod = pods[0];
  if (pod === undefined) return { state: "waiting", reason: "its pod is not created yet" };
  if (pod.status?.phase !== "Pending") {
    const started = pod.status?.containerStatuses?.[0]?.state?.running?.startedAt ?? pod.status?.startTime;
    return { state: "running", since: started };
  }
  const name = pod.metadata?.name ?? "pod";
  const waiting = pod.status.containerStatuses?.[0]?.state?.waiting;
  if (waiting?.reason !== undefined && STUCK_REASONS.has(waiting.reason)) {
    const message = waiting.message === undefined ? "" : `: ${waiting.message}`;
    return { state: "stuck", reason: `pod ${name}: ${waiting.reason}${message}` };
  }
  const scheduled = pod.status.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False") {
    return {
      state: "waiting",
      reason: `pod ${name} waits for a node: ${scheduled.message ?? scheduled.reason}`,
    };
  }
  return { state: "waiting", reason: `pod ${name} is ${waiting?.reason ?? "not scheduled yet"}` };
}
