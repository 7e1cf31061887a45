import { describeWorker, type Executor } from "../executors/executor.js";
import type { WorkerRecord } from "../executors/worker-record.js";

// Whether a task's worker can still be trusted to finish it: alive, inside JOB_TIMEOUT, and heard from within
// HEARTBEAT_TIMEOUT once it has started. The dispatcher asks on every periodic check.

export interface HealthRules {
  readonly executor: Executor;
  readonly now: Date;
  readonly jobTimeoutMs: number;
  readonly heartbeatTimeoutMs: number;
}

/**
 * Why a worker cannot be trusted to finish its task, or undefined when it is fine. heard: its task document's
 * last heartbeat, undefined before it first wrote one.
 */
export async function workerProblem(
  record: WorkerRecord,
  heard: Date | undefined,
  rules: HealthRules,
): Promise<string | undefined> {
  const { executor, now, jobTimeoutMs, heartbeatTimeoutMs } = rules;
  if (!executor.isAlive(record)) return `worker is gone (${describeWorker(record)} has exited)`;
  if (now.getTime() - Date.parse(record.startedAt) > jobTimeoutMs) {
    return `worker exceeded JOB_TIMEOUT (${Math.round(jobTimeoutMs / 1000)} s) and was stopped`;
  }
  // Before its first status write the worker's age stands in for its heartbeat.
  const reported = heard !== undefined;
  let last = heard?.getTime() ?? Date.parse(record.startedAt);
  if (now.getTime() - last <= heartbeatTimeoutMs) return undefined;
  if (!reported) {
    // A worker that has not started yet (a cluster with no room, an image being pulled) owes no heartbeat,
    // and one that started late owes it only from then.
    const startup = await executor.startup(record);
    if (startup.state === "waiting") return undefined;
    if (startup.state === "stuck") return `worker could not start: ${startup.reason}`;
    if (startup.since !== undefined) last = Math.max(last, startup.since.getTime());
  }
  const silentMs = now.getTime() - last;
  if (silentMs <= heartbeatTimeoutMs) return undefined;
  return `worker stopped responding: no heartbeat for ${Math.round(silentMs / 1000)} s`;
}
