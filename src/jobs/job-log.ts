import type { JobSpec } from "./job-spec.js";
import { jobSceneParams } from "./scene-params.js";
import { currentTask } from "./task-aggregate.js";
import { isTaskEnded, type TaskDocument, type TaskRuns } from "./task-document.js";

// job_log.txt in the seed's order, assembled from job.json and the tasks: each task's worker keeps its own lines
// (staging, then processing) in its document, the API the attempts that died. While the job runs this is the log
// so far; once it ends, finish-job.ts or record-failure.ts write it to the file with their closing lines.

export interface JobLogInput {
  readonly spec: JobSpec;
  /** WORKING_DIR, as the header names it. */
  readonly workingDir: string;
  /** Each task's document and attempts, by index (undefined: none yet). */
  readonly tasks: readonly (TaskDocument | undefined)[];
  readonly runs: readonly (TaskRuns | undefined)[];
}

export const PREPROCESSING_STARTED = "Preprocessing started";
export const PREPROCESSING_FINISHED = "Preprocessing finished";

/** The lines of the job's log so far, each without its newline. */
export function jobLogLines(input: JobLogInput): string[] {
  const { spec, tasks, runs } = input;
  const request = spec.request;
  const current = (i: number): TaskDocument | undefined => currentTask(tasks[i], runs[i]);
  if (request === undefined) return [...retried("echo", runs[0]), ...(current(0)?.log.processing ?? [])];
  const scenes = jobSceneParams(spec);
  const lines = [
    `Imagery names: ${request.imagery_list.join(",")}`,
    `Job id: ${spec.jobId}`,
    `Working dir: ${input.workingDir}`,
    `Resolution: ${request.resolution}`,
    `Delete intermediate: ${request.delete_intermediate ? "True" : "False"}`,
    `Cores: ${request.cores}`,
    `Product: ${[...new Set(scenes.map((s) => s.product))].join(",")}`,
  ];
  const indices = scenes.map((_, i) => i);
  for (const i of indices) lines.push(...(current(i)?.log.staging ?? []));
  if (!indices.some((i) => tasks[i] !== undefined || runs[i] !== undefined)) return lines;
  lines.push(PREPROCESSING_STARTED);
  for (const i of indices) {
    lines.push(...retried(scenes[i]!.requested, runs[i]), ...(current(i)?.log.processing ?? []));
  }
  if (indices.every((i) => isEnded(current(i)))) lines.push(PREPROCESSING_FINISHED);
  return lines;
}

/** A line for each attempt at the task whose worker died and that was run again. */
function retried(id: string, runs: TaskRuns | undefined): string[] {
  return (runs?.attempts ?? []).flatMap((attempt) =>
    attempt.ended?.retried === true
      ? [`Image: ${id} RETRIED: attempt ${attempt.attempt} ended: ${attempt.ended.reason}`]
      : [],
  );
}

function isEnded(task: TaskDocument | undefined): boolean {
  return task !== undefined && isTaskEnded(task);
}

/** Lines as job_log.txt holds them: one per line, each ended by a newline. */
export function logText(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join("");
}
