import { describeWorker, type Executor } from "../executors/executor.js";
import type { WorkerRecord } from "../executors/worker-record.js";
import type { StatusDocument } from "./status-document.js";

// Whether a running job's worker can still be trusted to finish it: alive, inside JOB_TIMEOUT, and heard from
// within HEARTBEAT_TIMEOUT once it has started. The job service asks on every periodic check and on restart.

export interface HealthRules {
  readonly executor: Executor;
  readonly now: Date;
  readonly jobTimeoutMs: number;
  readonly heartbeatTimeoutMs: number;
}

/** Why a worker cannot be trusted to finish its job, or undefined when it is fine. */
export async function workerProblem(
  record: WorkerRecord,
  status: StatusDocument,
  rules: HealthRules,
): Promise<string | undefined> {
  const { executor, now, jobTimeoutMs, heartbeatTimeoutMs } = rules;
  if (!executor.isAlive(record)) return `worker is gone (${describeWorker(record)} has exited)`;
  if (now.getTime() - Date.parse(record.startedAt) > jobTimeoutMs) {
    return `job exceeded JOB_TIMEOUT (${Math.round(jobTimeoutMs / 1000)} s) and was stopped`;
  }
  // Before its first status write the worker's age stands in for its heartbeat.
  const reported = status.status === "running";
  let last = Date.parse(reported ? status.updated : record.startedAt);
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
