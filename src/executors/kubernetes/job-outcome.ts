import type { V1Job, V1Pod } from "@kubernetes/client-node";

// Reads a worker Job (and its pods) as the job service needs it: still running, or ended and how.

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
  const name = `Kubernetes Job ${job.metadata?.namespace}/${job.metadata?.name}`;
  if (complete !== undefined)
    return { ended: true, succeeded: true, exitCode: 0, reason: `${name} completed` };
  const why = [failed?.reason, failed?.message].filter(Boolean).join(": ");
  const pod = describePods(pods);
  return {
    ended: true,
    succeeded: false,
    exitCode: pod.exitCode,
    reason: `${name} failed${why === "" ? "" : ` (${why})`}${pod.text === "" ? "" : `; ${pod.text}`}`,
  };
}

/** What the pods say about how the worker container ended: OOMKilled, Error, Evicted, with exit codes. */
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
    const said = [podWhy, ...containers].filter((s) => s !== "");
    if (said.length > 0) parts.push(`pod ${name}: ${said.join("; ")}`);
  }
  return { text: parts.join("; "), exitCode };
}
