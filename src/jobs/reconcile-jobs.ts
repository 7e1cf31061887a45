import type { Logger } from "../logging/create-logger.js";
import type { JobScheduler } from "./job-scheduler.js";
import type { JobStore } from "./job-store.js";
import type { KeyedLock } from "./keyed-lock.js";
import { isTerminal } from "./status-document.js";
import type { TaskDispatcher } from "./task-dispatcher.js";

// What the leading API learns from the working directory: accepted jobs are queued in the order they were
// created (including those another replica accepted), and running jobs it does not run yet are adopted with
// their workers. Run when it starts leading (a restart, a new leader) and then periodically; finished jobs'
// documents are cached by the store, so a pass costs a directory listing and the open jobs' files.

export interface ReconcileDeps {
  readonly store: JobStore;
  readonly scheduler: JobScheduler;
  readonly dispatcher: TaskDispatcher;
  readonly lock: KeyedLock;
  readonly logger: Logger;
}

export async function reconcileJobs(deps: ReconcileDeps): Promise<void> {
  const { store, scheduler, dispatcher, lock, logger } = deps;
  // listIds is newest first; job ids sort by creation time.
  for (const jobId of (await store.listIds()).reverse()) {
    if (scheduler.isQueued(jobId) || dispatcher.isRunning(jobId)) continue;
    const unreadable = (error: unknown): undefined => {
      logger.warn({ jobId, err: error }, "skipping unreadable job");
      return undefined;
    };
    const status = await store.readRawStatus(jobId).catch(unreadable);
    if (status === undefined || isTerminal(status.status)) continue;
    const owner = await store.readOwner(jobId).catch(unreadable);
    if (owner === undefined) continue;
    await lock
      .run(jobId, async () => {
        if (scheduler.isQueued(jobId) || dispatcher.isRunning(jobId)) return;
        const current = await store.readRawStatus(jobId);
        if (current.status === "accepted") {
          scheduler.enqueue(jobId, owner);
        } else if (current.status === "running") {
          scheduler.noteRunning(owner);
          await dispatcher.adopt(jobId);
        }
      })
      .catch((error: unknown) => logger.error({ jobId, err: error }, "could not take the job over"));
  }
}
