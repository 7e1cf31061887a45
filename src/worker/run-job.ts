import path from "node:path";
import { clientMessage } from "../jobs/client-message.js";
import { finishJob } from "../jobs/finish-job.js";
import { JobStore } from "../jobs/job-store.js";
import { recordFailure } from "../jobs/record-failure.js";
import { taskCount } from "../jobs/task-aggregate.js";
import { markFailed, markRunning } from "../jobs/transitions.js";
import type { Logger } from "../logging/create-logger.js";
import { runTask } from "./run-task.js";

// A whole job in this process, for tests and tools: what the API and its workers do between them (mark it
// running, run each task, finish the job), one task after the other. The service runs each task in a worker
// of its own instead (run-task.ts, main.ts).

export interface RunJobOptions {
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Waits before retrying a failed write of a task's document (tests shorten them). */
  readonly statusRetryDelaysMs?: readonly number[];
}

/** finished: the job ended with its scenes' outcomes; failed: it failed as a whole; skipped: it was not waiting. */
export type RunJobOutcome = "finished" | "failed" | "skipped";

export async function runJob(jobDir: string, options: RunJobOptions): Promise<RunJobOutcome> {
  const jobId = path.basename(jobDir);
  const store = new JobStore(path.dirname(jobDir));
  const spec = await store.readSpec(jobId);
  const logger = options.logger.child({ jobId });
  logger.level = spec.resolved.logLevel;
  const initial = await store.readRawStatus(jobId);
  if (initial.status !== "accepted") {
    logger.warn({ status: initial.status }, "job is not waiting to run; nothing to do");
    return "skipped";
  }
  const now = options.now ?? (() => new Date());
  await store.writeStatus(markRunning(initial, now()));
  try {
    for (let index = 0; index < taskCount(initial); index++) {
      await runTask(jobDir, index, {
        attempt: 1,
        threads: spec.request?.cores ?? 1,
        logger: options.logger,
        now,
        ...(options.statusRetryDelaysMs === undefined
          ? {}
          : { statusRetryDelaysMs: options.statusRetryDelaysMs }),
      });
    }
    await finishJob(store, jobId, { now, logger });
    return "finished";
  } catch (error) {
    // As the API does with a job it cannot finish: the reason in job_log.txt and the status, leftovers removed.
    const message = clientMessage(error);
    logger.error({ err: error }, "job failed");
    await recordFailure(store, jobId, message).catch(() => undefined);
    await store.writeStatus(markFailed(await store.readStatus(jobId), message, now()));
    return "failed";
  }
}
