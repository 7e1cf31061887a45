import fs from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../common/atomic-write.js";
import { errnoCode } from "../common/errors.js";
import type { WorkerLogFiles } from "../executors/executor.js";
import { WorkerRecordSchema, type WorkerRecord } from "../executors/worker-record.js";
import { JobLayout } from "./job-layout.js";
import { jobLogLines, logText } from "./job-log.js";
import { JobSpecSchema, specProblem, type JobSpec } from "./job-spec.js";
import { aggregateStatus, taskCount } from "./task-aggregate.js";
import { CorruptJobError, JobNotFoundError } from "./job-errors.js";
import { readTaskFile, writeTaskFile } from "./task-files.js";
import { TaskDocumentSchema, TaskRunsSchema, type TaskDocument, type TaskRuns } from "./task-document.js";
import { WorkerFiguresSchema, type WorkerFigures } from "./worker-figures.js";
import { isTerminal, StatusDocumentSchema, type JobState, type StatusDocument } from "./status-document.js";

// One directory per job under WORKING_DIR. Shared by the API and the worker: with its layout (job-layout.ts),
// the only code that knows the file names inside a job directory; others ask it for paths.

/** Job ids are UUIDs; version 7 sorts by creation time, so a directory listing is already in job order. */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}

export { CorruptJobError, JobNotFoundError } from "./job-errors.js";

export interface ListOptions {
  readonly status?: JobState | undefined;
  readonly limit: number;
  /** Return only jobs older than this job id (the previous page's last id). */
  readonly after?: string | undefined;
  /** Return only this owner's jobs. */
  readonly owner?: string | undefined;
  /** Return only the documents this accepts. */
  readonly filter?: ((doc: StatusDocument) => boolean) | undefined;
}

/** A job's tasks by index: each one's document and attempts (undefined where there is none yet). */
export interface JobTasks {
  readonly tasks: (TaskDocument | undefined)[];
  readonly runs: (TaskRuns | undefined)[];
}

export interface JobPage {
  readonly jobs: StatusDocument[];
  /** The id to pass as `after` for the next page; undefined on the last page. */
  readonly next: string | undefined;
}

export class JobStore {
  /** Finished jobs never change, so their documents are kept once read: listing stays cheap. */
  readonly #finished = new Map<string, StatusDocument>();
  /** job.json never changes, so a job's owner is read once. */
  readonly #owners = new Map<string, string>();

  constructor(readonly workingDir: string) {}

  jobDir(jobId: string): string {
    if (!isJobId(jobId)) throw new JobNotFoundError(jobId);
    return path.join(this.workingDir, jobId);
  }

  /** The paths inside a job's directory. */
  layout(jobId: string): JobLayout {
    return new JobLayout(this.jobDir(jobId));
  }

  /** Where an executor writes the job's worker's own output. */
  workerLogFiles(jobId: string): WorkerLogFiles {
    return this.layout(jobId).workerLogs;
  }

  /** Removes a job's staged scene copies and archives (nothing when it has none). */
  async removeStagedImagery(jobId: string): Promise<void> {
    await fs.rm(this.layout(jobId).imagery, { recursive: true, force: true });
  }

  /** Creates the job directory complete or not at all: it is filled under a hidden name, then renamed. */
  async create(spec: JobSpec, status: StatusDocument): Promise<void> {
    const final = this.jobDir(spec.jobId);
    const staging = new JobLayout(path.join(this.workingDir, `.${spec.jobId}.creating`));
    await fs.mkdir(this.workingDir, { recursive: true });
    await fs.mkdir(staging.dir);
    try {
      await fs.writeFile(staging.spec, json(spec), { flag: "wx" });
      await writeFileAtomic(staging.status, json(status));
      await fs.writeFile(staging.log, "", { flag: "wx" });
      await fs.rename(staging.dir, final);
    } catch (error) {
      await fs.rm(staging.dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Deletes a job's directory. It is renamed to a hidden name first, so that from then on the job is simply
   * gone for every reader, then removed.
   */
  async remove(jobId: string): Promise<void> {
    const doomed = path.join(this.workingDir, `.${jobId}.removing`);
    try {
      await fs.rename(this.jobDir(jobId), doomed);
    } catch (error) {
      throw notFoundOr(jobId, error);
    } finally {
      this.#finished.delete(jobId);
      this.#owners.delete(jobId);
    }
    await fs.rm(doomed, { recursive: true, force: true });
  }

  async readSpec(jobId: string): Promise<JobSpec> {
    const parsed = JobSpecSchema.safeParse(await this.#readJson(jobId, "spec"));
    if (!parsed.success)
      throw new CorruptJobError(`job ${jobId}: job.json is invalid`, { cause: parsed.error });
    const problem = specProblem(parsed.data);
    if (problem !== undefined) throw new CorruptJobError(`job ${jobId}: job.json: ${problem}`);
    return parsed.data;
  }

  async readOwner(jobId: string): Promise<string> {
    const cached = this.#owners.get(jobId);
    if (cached !== undefined) return cached;
    const { owner } = await this.readSpec(jobId);
    this.#owners.set(jobId, owner);
    return owner;
  }

  /** The job's status; a running job's with its tasks' scenes, progress and heartbeat (task-aggregate.ts). */
  async readStatus(jobId: string): Promise<StatusDocument> {
    const doc = await this.readRawStatus(jobId);
    if (doc.status !== "running") return doc;
    const { tasks, runs } = await this.readTasks(jobId, taskCount(doc));
    return aggregateStatus(doc, tasks, runs);
  }

  /** status.json as written: while the job runs, what the API wrote when it started it (no tasks' state). */
  async readRawStatus(jobId: string): Promise<StatusDocument> {
    const cached = this.#finished.get(jobId);
    if (cached !== undefined) return cached;
    const parsed = StatusDocumentSchema.safeParse(await this.#readJson(jobId, "status"));
    if (!parsed.success)
      throw new CorruptJobError(`job ${jobId}: status.json is invalid`, { cause: parsed.error });
    if (isTerminal(parsed.data.status)) this.#finished.set(jobId, parsed.data);
    return parsed.data;
  }

  async writeStatus(doc: StatusDocument): Promise<void> {
    await writeFileAtomic(this.layout(doc.jobID).status, json(doc));
    if (isTerminal(doc.status)) this.#finished.set(doc.jobID, doc);
  }

  async appendLog(jobId: string, lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    await fs.appendFile(this.layout(jobId).log, lines.map((l) => `${l}\n`).join(""));
  }

  /** The worker's figures.json; undefined when it wrote none (echo jobs, jobs that died). */
  async readFigures(jobId: string): Promise<WorkerFigures | undefined> {
    try {
      return WorkerFiguresSchema.parse(await this.#readJson(jobId, "figures"));
    } catch {
      return undefined;
    }
  }

  /** The worker leaves its figures for the API's metrics, once the job's work is done. */
  async writeFigures(jobId: string, figures: WorkerFigures): Promise<void> {
    await writeFileAtomic(this.layout(jobId).figures, `${JSON.stringify(figures)}\n`);
  }

  /** An echo job's worker writes its outputs. */
  async writeResults(jobId: string, results: unknown): Promise<void> {
    await writeFileAtomic(this.layout(jobId).results, `${JSON.stringify(results)}\n`);
  }

  /** An echo job's results.json, as written by its worker. */
  async readResults(jobId: string): Promise<string> {
    try {
      return await fs.readFile(this.layout(jobId).results, "utf8");
    } catch (error) {
      throw notFoundOr(jobId, error);
    }
  }

  /** job_log.txt; for a running job, the log assembled from its tasks so far (job-log.ts). */
  async readLog(jobId: string): Promise<string> {
    const status = await this.readRawStatus(jobId);
    if (status.status === "running") {
      const { tasks, runs } = await this.readTasks(jobId, taskCount(status));
      const spec = await this.readSpec(jobId);
      return logText(jobLogLines({ spec, workingDir: this.workingDir, tasks, runs }));
    }
    try {
      return await fs.readFile(this.layout(jobId).log, "utf8");
    } catch (error) {
      throw notFoundOr(jobId, error);
    }
  }

  /** Replaces job_log.txt as a whole, atomically: writing it again after a crash never repeats a line. */
  async writeLog(jobId: string, text: string): Promise<void> {
    await writeFileAtomic(this.layout(jobId).log, text);
  }

  async writeWorkerRecord(jobId: string, record: WorkerRecord): Promise<void> {
    await writeFileAtomic(this.layout(jobId).worker, json(record));
  }

  /** undefined when no worker was ever started for the job. */
  async readWorkerRecord(jobId: string): Promise<WorkerRecord | undefined> {
    try {
      return WorkerRecordSchema.parse(await this.#readJson(jobId, "worker"));
    } catch (error) {
      if (error instanceof JobNotFoundError) return undefined;
      throw error;
    }
  }

  /** Every task's document and attempts, for a job of `count` tasks. */
  async readTasks(jobId: string, count: number): Promise<JobTasks> {
    const indices = Array.from({ length: count }, (_, i) => i);
    const [tasks, runs] = await Promise.all([
      Promise.all(indices.map((i) => this.readTask(jobId, i))),
      Promise.all(indices.map((i) => this.readTaskRuns(jobId, i))),
    ]);
    return { tasks, runs };
  }

  /** A task's document; undefined when no worker has written it yet. */
  async readTask(jobId: string, index: number): Promise<TaskDocument | undefined> {
    return readTaskFile(jobId, this.layout(jobId).task(index), TaskDocumentSchema);
  }

  /** Written by the worker that runs the task, or by the API when none does. */
  async writeTask(jobId: string, doc: TaskDocument): Promise<void> {
    await writeTaskFile(this.layout(jobId).task(doc.index), json(doc));
  }

  /** A task's attempts; undefined when none was started. */
  async readTaskRuns(jobId: string, index: number): Promise<TaskRuns | undefined> {
    return readTaskFile(jobId, this.layout(jobId).taskRuns(index), TaskRunsSchema);
  }

  /** Written by the API that leads; the first write makes tasks/, where the workers' output goes too. */
  async writeTaskRuns(jobId: string, runs: TaskRuns): Promise<void> {
    await writeTaskFile(this.layout(jobId).taskRuns(runs.index), json(runs));
  }

  /** Every job id, newest first. */
  async listIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.workingDir);
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return [];
      throw error;
    }
    return names.filter(isJobId).sort().reverse();
  }

  /** How many jobs are in each state (finished jobs' documents are cached, so this stays cheap). */
  async countByStatus(): Promise<Partial<Record<JobState, number>>> {
    const counts: Partial<Record<JobState, number>> = {};
    for (const jobId of await this.listIds()) {
      const doc = await this.readRawStatus(jobId).catch(() => undefined);
      if (doc !== undefined) counts[doc.status] = (counts[doc.status] ?? 0) + 1;
    }
    return counts;
  }

  /** A page of status documents, newest first; reads only as many documents as the page needs. */
  async list(options: ListOptions): Promise<JobPage> {
    const ids = await this.listIds();
    const start = options.after === undefined ? 0 : ids.findIndex((id) => id < options.after!);
    const jobs: StatusDocument[] = [];
    if (start === -1) return { jobs, next: undefined };
    for (let i = start; i < ids.length; i++) {
      const id = ids[i]!;
      let doc: StatusDocument;
      try {
        if (options.owner !== undefined && (await this.readOwner(id)) !== options.owner) continue;
        doc = await this.readStatus(id);
      } catch (error) {
        // A job removed while we list, or one whose files are damaged, is not listed.
        if (error instanceof JobNotFoundError || error instanceof CorruptJobError) continue;
        throw error;
      }
      if (options.status !== undefined && doc.status !== options.status) continue;
      if (options.filter !== undefined && !options.filter(doc)) continue;
      jobs.push(doc);
      if (jobs.length === options.limit) {
        return { jobs, next: i + 1 < ids.length ? id : undefined };
      }
    }
    return { jobs, next: undefined };
  }

  async #readJson(jobId: string, which: "spec" | "status" | "worker" | "figures"): Promise<unknown> {
    const file = this.layout(jobId)[which];
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (error) {
      throw notFoundOr(jobId, error);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new CorruptJobError(`job ${jobId}: ${path.basename(file)} is not valid JSON`, { cause });
    }
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function notFoundOr(jobId: string, error: unknown): unknown {
  const code = errnoCode(error);
  return code === "ENOENT" || code === "ENOTDIR" ? new JobNotFoundError(jobId) : error;
}
