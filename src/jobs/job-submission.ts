import { v7 as uuidv7 } from "uuid";
import type { Logger } from "../logging/create-logger.js";
import type { IdempotencyStore } from "./idempotency-store.js";
import type { JobScheduler } from "./job-scheduler.js";
import type { JobSpec, Subscriber } from "./job-spec.js";
import { JobNotFoundError, type JobStore } from "./job-store.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { StatusDocument } from "./status-document.js";
import { IdempotencyConflictError, QueueFullError } from "./submission-errors.js";

// Accepting a job: the queue limits (MAX_QUEUED_JOBS in all, MAX_QUEUED_JOBS_PER_OWNER each), the job's
// directory written complete, then the job queued. With an Idempotency-Key a repeat of the same request
// returns the job the first one created, and the same key with another request is refused.

export interface SubmitOptions {
  readonly owner: string;
  /** URLs to tell about the job's progress (OGC API - Processes); already checked against the config. */
  readonly subscriber?: Subscriber | undefined;
  /** The client's Idempotency-Key and a fingerprint of its request body. */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string } | undefined;
}

export interface Submission {
  readonly status: StatusDocument;
  /** true when an Idempotency-Key repeat returned the job an earlier request created. */
  readonly replayed: boolean;
}

/** Builds a new job's job.json and first status document. */
export type BuildJob = (jobId: string, now: Date) => { spec: JobSpec; status: StatusDocument };

export interface JobSubmissionDeps {
  readonly store: JobStore;
  readonly idempotency: IdempotencyStore;
  readonly scheduler: JobScheduler;
  readonly lock: KeyedLock;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly maxQueuedJobs: number;
  readonly maxQueuedJobsPerOwner: number;
}

export class JobSubmission {
  readonly #deps: JobSubmissionDeps;

  constructor(deps: JobSubmissionDeps) {
    this.#deps = deps;
  }

  async submit(options: SubmitOptions, build: BuildJob): Promise<Submission> {
    const { owner, idempotency } = options;
    if (idempotency === undefined) {
      return { status: await this.#accept(owner, build, uuidv7()), replayed: false };
    }
    const { key, fingerprint } = idempotency;
    const { lock, store } = this.#deps;
    return lock.run(`idempotency:${owner}:${key}`, async () => {
      const claim = await this.#deps.idempotency.claim(owner, key, fingerprint, uuidv7());
      if (claim.fingerprint !== fingerprint) throw new IdempotencyConflictError(key, claim.jobId);
      const existing = await store.readStatus(claim.jobId).catch((error: unknown) => {
        if (error instanceof JobNotFoundError) return undefined;
        throw error;
      });
      if (existing !== undefined) return { status: existing, replayed: true };
      // Claimed now, or by an attempt that stopped before it created the job: create it under the claimed id.
      try {
        return { status: await this.#accept(owner, build, claim.jobId), replayed: false };
      } catch (error) {
        if (claim.fresh) await this.#deps.idempotency.release(owner, key);
        throw error;
      }
    });
  }

  async #accept(owner: string, build: BuildJob, jobId: string): Promise<StatusDocument> {
    const { scheduler, store, logger, now, maxQueuedJobs, maxQueuedJobsPerOwner } = this.#deps;
    const queued = await this.#queued(owner);
    if (queued.all >= maxQueuedJobs) throw new QueueFullError(queued.all);
    if (queued.mine >= maxQueuedJobsPerOwner) throw new QueueFullError(queued.mine, owner);
    const { spec, status } = build(jobId, now());
    await store.create(spec, status);
    scheduler.enqueue(jobId, spec.owner);
    logger.info({ jobId, owner: spec.owner, process: spec.process }, "job accepted");
    void scheduler.pump();
    return status;
  }

  /**
   * Jobs waiting to start, in all and the owner's: the leader's queue, or on another replica the accepted jobs in
   * the working directory (the leader's queue is not visible from here).
   */
  async #queued(owner: string): Promise<{ all: number; mine: number }> {
    const { scheduler, store } = this.#deps;
    if (scheduler.leading) return { all: scheduler.queuedCount, mine: scheduler.queuedCountOf(owner) };
    const all = (await store.countByStatus()).accepted ?? 0;
    if (all === 0) return { all, mine: 0 };
    const page = await store.list({ status: "accepted", owner, limit: Number.MAX_SAFE_INTEGER });
    return { all, mine: page.jobs.length };
  }
}
