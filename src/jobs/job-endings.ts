import { errorMessage } from "../common/errors.js";
import { describeWorker } from "../executors/executor.js";
import type { WorkerRecord } from "../executors/worker-record.js";
import type { Logger } from "../logging/create-logger.js";
import type { JobReports } from "./job-reports.js";
import type { JobStore } from "./job-store.js";
import { recordFailure, removeLeftovers } from "./record-failure.js";
import { isTerminal, type StatusDocument } from "./status-document.js";
import { markDismissed, markFailed } from "./transitions.js";

// The API ends a job only when no worker will: failed (its worker is gone, hung or could not start) or
// dismissed (cancelled). Either way what the job leaves behind is removed before the end is written, so a
// client that reads the end never finds the staging still there. Callers hold the job's lock.

export interface JobEndingsDeps {
  readonly store: JobStore;
  readonly reports: JobReports;
  readonly logger: Logger;
  readonly now: () => Date;
}

export class JobEndings {
  readonly #deps: JobEndingsDeps;

  constructor(deps: JobEndingsDeps) {
    this.#deps = deps;
  }

  /** Fails a job that has not ended yet, with the reason; a job that has already ended is left alone. */
  async fail(jobId: string, reason: string, record?: WorkerRecord): Promise<void> {
    const { store, reports, logger, now } = this.#deps;
    const status = await store.readStatus(jobId);
    if (isTerminal(status.status)) return;
    const failed = markFailed(status, reason, now());
    await recordFailure(store, jobId, reason).catch((error: unknown) =>
      logger.warn({ jobId, err: errorMessage(error) }, "could not record all of the failure"),
    );
    await store.writeStatus(failed);
    logger.warn(
      { jobId, worker: record === undefined ? undefined : describeWorker(record), reason },
      "job failed",
    );
    await reports.ended(jobId);
  }

  /** Dismisses a queued or running job whose worker, if any, is already stopped. */
  async dismiss(jobId: string): Promise<StatusDocument> {
    const { store, reports, logger, now } = this.#deps;
    const dismissed = markDismissed(await store.readStatus(jobId), now());
    // While a job runs its log lives in its tasks' documents: keep what it said.
    await store
      .writeLog(jobId, await store.readLog(jobId))
      .catch((error: unknown) =>
        logger.warn({ jobId, err: errorMessage(error) }, "could not keep the cancelled job's log"),
      );
    await removeLeftovers(store, jobId).catch((error: unknown) =>
      logger.warn({ jobId, err: errorMessage(error) }, "could not remove all a cancelled job left"),
    );
    await store.writeStatus(dismissed);
    void reports.ended(jobId);
    return dismissed;
  }
}
