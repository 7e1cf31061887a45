import fs from "node:fs/promises";
import path from "node:path";
import { errnoCode } from "../common/errors.js";
import type { Logger } from "../logging/create-logger.js";
import type { IdempotencyStore } from "./idempotency-store.js";
import { isJobId, JobNotFoundError, type JobStore } from "./job-store.js";
import type { KeyedLock } from "./keyed-lock.js";
import { isTerminal } from "./status-document.js";

// What the service keeps, and for how long: a finished job's working directory and Idempotency-Key records
// for JOB_RETENTION; its published results for RESULTS_RETENTION when that is set (never by default). A job
// that has not ended loses nothing. What is removed is renamed to a hidden name first, so readers see it
// whole or not at all.

export interface RetentionDeps {
  readonly store: JobStore;
  readonly idempotency: IdempotencyStore;
  readonly lock: KeyedLock;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly jobRetentionMs: number;
  readonly resultsRetentionMs: number | undefined;
  /** The folder that holds each job's published results, by job id. */
  readonly publishRoot: string;
}

const REMOVING = /^\.(.+)\.removing$/;

export class RetentionSweep {
  readonly #deps: RetentionDeps;

  constructor(deps: RetentionDeps) {
    this.#deps = deps;
  }

  /** Removes what is past its retention; returns the jobs whose working directory was removed. */
  async sweep(): Promise<string[]> {
    const { idempotency, jobRetentionMs, resultsRetentionMs, logger } = this.#deps;
    const now = this.#deps.now().getTime();
    const jobs = await this.#sweepJobs(now);
    await idempotency.sweep(jobRetentionMs, new Date(now));
    const results = resultsRetentionMs === undefined ? [] : await this.#sweepResults(now, resultsRetentionMs);
    if (jobs.length > 0) logger.info({ jobs: jobs.length }, "removed jobs past JOB_RETENTION");
    if (results.length > 0) logger.info({ jobs: results.length }, "removed results past RESULTS_RETENTION");
    return jobs;
  }

  async #sweepJobs(now: number): Promise<string[]> {
    const { store, lock, jobRetentionMs } = this.#deps;
    const removed: string[] = [];
    for (const jobId of await store.listIds()) {
      await lock.run(jobId, async () => {
        const ended = await this.#endedAt(jobId);
        if (ended === undefined || now - ended <= jobRetentionMs) return;
        await store.remove(jobId);
        removed.push(jobId);
      });
    }
    return removed;
  }

  async #sweepResults(now: number, maxAgeMs: number): Promise<string[]> {
    const { publishRoot, lock } = this.#deps;
    const removed: string[] = [];
    for (const name of await readNames(publishRoot)) {
      // What an earlier sweep renamed away but could not finish removing.
      if (REMOVING.test(name) && isJobId(REMOVING.exec(name)![1]!)) {
        await fs.rm(path.join(publishRoot, name), { recursive: true, force: true });
        continue;
      }
      if (!isJobId(name)) continue;
      await lock.run(name, async () => {
        const dir = path.join(publishRoot, name);
        // Results whose job's working directory is gone: the folder's own age counts.
        const ended = await this.#endedAt(name, dir);
        if (ended === undefined || now - ended <= maxAgeMs) return;
        const doomed = path.join(publishRoot, `.${name}.removing`);
        await fs.rename(dir, doomed);
        await fs.rm(doomed, { recursive: true, force: true });
        removed.push(name);
      });
    }
    return removed;
  }

  /**
   * When a job ended (ms); undefined while it has not, or when that cannot be told. A job the store no longer
   * has ended at the time its published folder was last written, when one is given.
   */
  async #endedAt(jobId: string, publishedDir?: string): Promise<number | undefined> {
    try {
      const status = await this.#deps.store.readStatus(jobId);
      return isTerminal(status.status) ? Date.parse(status.finished ?? status.updated) : undefined;
    } catch (error) {
      if (!(error instanceof JobNotFoundError) || publishedDir === undefined) return undefined;
    }
    return (await fs.stat(publishedDir).catch(() => undefined))?.mtimeMs;
  }
}

async function readNames(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
}
