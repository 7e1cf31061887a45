import path from "node:path";
import gdal from "gdal-async";
import { clientMessage } from "../jobs/client-message.js";
import { JobStore } from "../jobs/job-store.js";
import type { JobSpec } from "../jobs/job-spec.js";
import { removeSceneOutputs } from "../jobs/scene-outputs.js";
import { taskCount } from "../jobs/task-aggregate.js";
import { isTaskEnded, type TaskDocument } from "../jobs/task-document.js";
import type { Logger } from "../logging/create-logger.js";
import { runEchoTask } from "./echo-task.js";
import { jobScenes } from "./job-scenes.js";
import { preprocessTaskScene } from "./preprocess-task-scene.js";
import { removeTaskLeftovers, stageTaskScene } from "./stage-task-scene.js";
import { StatusReporter } from "./status-reporter.js";
import { TaskProgress } from "./task-progress.js";
import { endTask, startTask, taskDocumentKind } from "./task-transitions.js";

// One task of a job, in this process: a preprocessing job's scene (task i is imagery_list[i]) from staging to
// its outputs, or the echo process. The worker owns the task's document (tasks/<i>.json) while it runs; the API
// assembles the job's status and log from the tasks and finishes the job once all have ended.
//
// However the task ends (successful, skipped, failed on its data), the outcome is in its document and the
// promise resolves: the API does not run it again. It rejects only when the document cannot be written; the
// API then treats the worker as one that died.

export interface RunTaskOptions {
  /** Which attempt at the task this is (1 for the first). */
  readonly attempt: number;
  /** GDAL threads (GDAL_NUM_THREADS and the pipeline's). */
  readonly threads: number;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Waits before retrying a failed write of the task's document (tests shorten them). */
  readonly statusRetryDelaysMs?: readonly number[];
}

/** not-running: the job is no longer running (cancelled, failed), or a later attempt has the task. */
export type TaskOutcome = "successful" | "failed" | "skipped" | "not-running";

/** MB of GDAL block cache per worker. */
const WORKER_CACHE_MB = 256;

export async function runTask(jobDir: string, index: number, options: RunTaskOptions): Promise<TaskOutcome> {
  const { attempt } = options;
  const jobId = path.basename(jobDir);
  const store = new JobStore(path.dirname(jobDir));
  const spec = await store.readSpec(jobId);
  const logger = options.logger.child({ jobId, task: index, attempt });
  logger.level = spec.resolved.logLevel;
  const status = await store.readRawStatus(jobId);
  if (status.status !== "running") {
    logger.warn({ status: status.status }, "job is not running; nothing to do");
    return "not-running";
  }
  const count = taskCount(status);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new Error(`job ${jobId} has ${count} task(s): there is no task ${index}`);
  const earlier = await store.readTask(jobId, index);
  if (earlier !== undefined && earlier.attempt > attempt) {
    logger.warn({ later: earlier.attempt }, "a later attempt has this task; nothing to do");
    return "not-running";
  }

  const now = options.now ?? (() => new Date());
  const reporter = new StatusReporter<TaskDocument>(
    (doc) => store.writeTask(jobId, doc),
    taskDocumentKind(index),
    startTask(index, attempt, now()),
    {
      now,
      ...(options.statusRetryDelaysMs === undefined ? {} : { retryDelaysMs: options.statusRetryDelaysMs }),
    },
  );
  await reporter.write();
  reporter.startHeartbeat(spec.resolved.heartbeatIntervalMs);
  try {
    if (spec.process === "echo") return await runEchoTask(spec, store, new TaskProgress(reporter, 1));
    return await runSceneTask(store, spec, index, reporter, options.threads, logger);
  } catch (error) {
    // Clients read the task's message and job_log.txt; the full error, paths and all, is in the worker's log.
    const message = clientMessage(error);
    logger.error({ err: error }, "task failed");
    const line =
      spec.process === "echo"
        ? `Echo failed: ${message}`
        : `Image: ${spec.request?.imagery_list[index] ?? index} FAILED: ${message}`;
    // When the task's end is what could not be written, it fails from where it last stood, with the cause.
    await reporter.update((doc, at) =>
      endTask(
        isTaskEnded(doc) ? reporter.lastOpen : doc,
        { status: "failed", message: `Failed: ${message}`, lines: [line] },
        at,
      ),
    );
    return "failed";
  } finally {
    reporter.stopHeartbeat();
  }
}

/** A preprocessing task: its scene staged, then preprocessed. */
async function runSceneTask(
  store: JobStore,
  spec: JobSpec,
  index: number,
  reporter: StatusReporter<TaskDocument>,
  threads: number,
  logger: Logger,
): Promise<"successful" | "skipped" | "failed"> {
  const job = jobScenes(spec)[index];
  if (job === undefined) throw new Error(`job.json has no scene ${index}`);
  const layout = store.layout(spec.jobId);
  gdal.config.set("GDAL_NUM_THREADS", String(threads));
  // GDAL's block cache defaults to 5 % of the machine's memory; a worker needs far less (see npm run bench).
  gdal.config.set("GDAL_CACHEMAX", String(WORKER_CACHE_MB));
  // Work units for the task's percent: staging and archiving, then each band.
  const progress = new TaskProgress(reporter, 2 + job.bands.length);
  const ctx = { spec, layout, job, progress, threads, logger };
  try {
    await removeTaskLeftovers(layout, job.scene.id);
    const root = await stageTaskScene(ctx);
    if (root === undefined) return "failed";
    return await preprocessTaskScene(ctx, root);
  } catch (error) {
    // The task fails as a whole: nothing it half made may be published.
    await removeSceneOutputs(layout, job.scene.id).catch(() => undefined);
    throw error;
  }
}
