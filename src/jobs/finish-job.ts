import fs from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../logging/create-logger.js";
import { clientMessage } from "./client-message.js";
import { JobLayout } from "./job-layout.js";
import { jobLogLines, logText } from "./job-log.js";
import type { JobStore } from "./job-store.js";
import { publishJob } from "./publish-job.js";
import { removeSceneOutputs } from "./scene-outputs.js";
import { jobSceneParams } from "./scene-params.js";
import type { StatusDocument } from "./status-document.js";
import { aggregateStatus, currentTask, taskCount } from "./task-aggregate.js";
import { isTaskEnded, type TaskDocument } from "./task-document.js";
import { markFailed, markFinished } from "./transitions.js";
import type { WorkerFigures } from "./worker-figures.js";

// Once every task of a job has ended, the API that leads ends the job as the seed's worker did at the end of
// its run: job_log.txt written whole, the results published, the staged imagery dropped, the final status. An
// API that stops half-way is followed by another that runs this again: every step gives the same result when
// repeated (the log is replaced, a job already published is not published again).

export interface FinishJobOptions {
  readonly now: () => Date;
  readonly logger: Logger;
}

/** The job is not one that can be finished: not running, or a task has not ended. */
export class JobNotFinishableError extends Error {
  override readonly name = "JobNotFinishableError";
}

/** Publishing the results failed; the message is fit for clients (no server directories). */
export class PublishError extends Error {
  override readonly name = "PublishError";
}

export const NOTHING_PUBLISHED = "Nothing published: no scene produced output";

/**
 * Ends a running job whose tasks have all ended and returns its final status document. Throws
 * JobNotFinishableError when it cannot, PublishError when the results could not be published (the caller then
 * fails the job as a whole with its message, as record-failure.ts does), or the error of a file that could not
 * be written.
 */
export async function finishJob(
  store: JobStore,
  jobId: string,
  options: FinishJobOptions,
): Promise<StatusDocument> {
  const spec = await store.readSpec(jobId);
  const raw = await store.readRawStatus(jobId);
  if (raw.status !== "running")
    throw new JobNotFinishableError(`job ${jobId} is ${raw.status}: only a running job can be finished`);
  const { tasks, runs } = await store.readTasks(jobId, taskCount(raw));
  const ended = tasks.map((task, i) => currentTask(task, runs[i]));
  const open = ended.flatMap((task, i) => (task !== undefined && isTaskEnded(task) ? [] : [i]));
  if (open.length > 0)
    throw new JobNotFinishableError(`job ${jobId} cannot be finished: task(s) ${open.join(", ")} not ended`);
  const results = ended as TaskDocument[];
  const doc = aggregateStatus(raw, tasks, runs);
  const lines = jobLogLines({ spec, workingDir: store.workingDir, tasks, runs });
  const { request, resolved } = spec;

  if (request === undefined) {
    // The echo process: its one task made results.json; nothing is published.
    await store.writeLog(jobId, logText(lines));
    const echo = results[0];
    const final =
      echo?.status === "successful"
        ? markFinished(doc, undefined, options.now())
        : markFailed(doc, echo?.message ?? "the echo task did not run", options.now());
    await store.writeStatus(final);
    return final;
  }

  const layout = store.layout(jobId);
  const failed = results.filter((task) => task.status === "failed");
  // A failed scene publishes nothing, whatever an attempt at it half made.
  const scenes = jobSceneParams(spec);
  for (const task of failed) {
    const scene = scenes[task.index];
    if (scene !== undefined) await removeSceneOutputs(layout, scene.scene.id);
  }
  const produced = results.some((task) => task.outputs.length > 0);
  // A job that made nothing publishes nothing: its log stays readable from the job until JOB_RETENTION.
  if (!produced) lines.push(NOTHING_PUBLISHED);
  await store.writeLog(jobId, logText(lines));
  const publishDir = path.join(resolved.imageryStorage, resolved.publishPath);
  // Publishing ends with one rename: a folder already there is this job's, published by an earlier run.
  if (produced && !(await isDirectory(publishDir))) {
    try {
      await publishJob(layout, publishDir);
    } catch (error) {
      throw new PublishError(clientMessage(error), { cause: error });
    }
  }
  // The staged inputs (copy and .tar.gz) go once the job is over when a scene failed, or when
  // delete_intermediate asks; delete_intermediate also drops the outputs' working copy. Otherwise they stay in
  // the job directory until JOB_RETENTION removes it.
  if (request.delete_intermediate || failed.length > 0) await store.removeStagedImagery(jobId);
  await fs.rm(layout.scratch, { recursive: true, force: true });
  if (request.delete_intermediate) await fs.rm(layout.output, { recursive: true, force: true });

  // Figures for the API's metrics, read from the job directory once the job has ended.
  const figures: WorkerFigures = {
    sceneSeconds: Object.fromEntries(
      results.flatMap((task) =>
        task.seconds === undefined
          ? []
          : [[request.imagery_list[task.index] ?? String(task.index), task.seconds]],
      ),
    ),
    bytesWritten: produced ? await sizeOf(new JobLayout(publishDir).output) : 0,
  };
  await store.writeFigures(jobId, figures);
  const final = markFinished(doc, produced ? resolved.publishPath : undefined, options.now());
  await store.writeStatus(final);
  options.logger.info({ jobId, status: final.status, publishDir }, "job finished");
  return final;
}

async function isDirectory(dir: string): Promise<boolean> {
  return fs.stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

/** Bytes in a folder's files, recursively (0 when it does not exist). */
async function sizeOf(dir: string): Promise<number> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    if (entry.isFile()) total += (await fs.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}
