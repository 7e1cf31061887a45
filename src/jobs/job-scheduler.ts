import type { Logger } from "../logging/create-logger.js";
import { FairQueue } from "./fair-queue.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { TaskDispatcher } from "./task-dispatcher.js";

// Accepted jobs wait here until a slot is free (at most MAX_CONCURRENT_JOBS running), then the dispatcher
// starts them. The queue is fair between owners (fair-queue.ts). Only the API that leads runs it: another
// replica leaves what it accepts to the leader, which finds it in the working directory (reconcile-jobs.ts).

export interface JobSchedulerDeps {
  readonly dispatcher: TaskDispatcher;
  readonly lock: KeyedLock;
  readonly logger: Logger;
  readonly maxConcurrentJobs: number;
}

export class JobScheduler {
  readonly #deps: JobSchedulerDeps;
  readonly #queue = new FairQueue();
  #pumping = false;
  #leading = false;

  constructor(deps: JobSchedulerDeps) {
    this.#deps = deps;
  }

  /** Whether this process runs the queue (it leads); until then it queues nothing and starts nothing. */
  get leading(): boolean {
    return this.#leading;
  }

  lead(): void {
    this.#leading = true;
  }

  /** Stops starting jobs (a server shutting down): what is queued stays accepted on disk for the next leader. */
  stopLeading(): void {
    this.#leading = false;
  }

  get queuedCount(): number {
    return this.#queue.length;
  }

  queuedCountOf(owner: string): number {
    return this.#queue.countOf(owner);
  }

  isQueued(jobId: string): boolean {
    return this.#queue.has(jobId);
  }

  /** Queues an accepted job behind its owner's earlier ones (only where this process leads). */
  enqueue(jobId: string, owner: string): void {
    if (this.#leading) this.#queue.push(jobId, owner);
  }

  /** Takes a job out of the queue (cancelled while waiting). */
  dequeue(jobId: string): void {
    this.#queue.remove(jobId);
  }

  /** Counts an adopted job as its owner's latest start, so others go first. */
  noteRunning(owner: string): void {
    this.#queue.noteStart(owner);
  }

  /** Starts queued jobs while there are free slots. */
  async pump(): Promise<void> {
    if (this.#pumping || !this.#leading) return;
    this.#pumping = true;
    try {
      const { dispatcher, maxConcurrentJobs, lock, logger } = this.#deps;
      while (dispatcher.runningCount < maxConcurrentJobs) {
        const jobId = this.#queue.shift();
        if (jobId === undefined) break;
        // Under the job's lock, so that a cancel cannot slip in between its start and its first workers.
        await lock
          .run(jobId, () => dispatcher.begin(jobId))
          .catch((error: unknown) => logger.error({ jobId, err: error }, "could not start the job"));
      }
    } finally {
      this.#pumping = false;
    }
  }
}
