import type { Logger } from "../logging/create-logger.js";
import type { JobEndings } from "./job-endings.js";
import type { JobScheduler } from "./job-scheduler.js";
import type { JobStore } from "./job-store.js";
import { isTerminal } from "./status-document.js";
import type { WorkerSupervisor } from "./worker-supervisor.js";

// After a restart the job directories say what was going on: accepted jobs are queued again in the order they
// were created, live workers are adopted, and running jobs whose worker is gone are failed with the reason.

export interface ReconcileDeps {
  readonly store: JobStore;
  readonly scheduler: JobScheduler;
  readonly supervisor: WorkerSupervisor;
  readonly endings: JobEndings;
  readonly logger: Logger;
}

export async function reconcileJobs(deps: ReconcileDeps): Promise<void> {
  const { store, scheduler, supervisor, endings, logger } = deps;
  // listIds is newest first; job ids sort by creation time.
  for (const jobId of (await store.listIds()).reverse()) {
    const unreadable = (error: unknown): undefined => {
      logger.warn({ jobId, err: error }, "skipping unreadable job");
      return undefined;
    };
    const status = await store.readStatus(jobId).catch(unreadable);
    if (status === undefined || isTerminal(status.status)) continue;
    const owner = await store.readOwner(jobId).catch(unreadable);
    if (owner === undefined) continue;
    const record = await store.readWorkerRecord(jobId);
    if (record === undefined) {
      if (status.status === "accepted") scheduler.enqueue(jobId, owner);
      else await endings.fail(jobId, "worker is gone: no record of its process");
      continue;
    }
    if (supervisor.isWatching(jobId)) continue;
    scheduler.noteRunning(owner);
    await supervisor.adopt(jobId, record, status);
  }
}
