import type { WorkerExit } from "../executor.js";
import type { WorkerRecord } from "../worker-record.js";

// The workers the Kubernetes executor follows, by their Job's uid: each with the promise of its exit, settled
// once, however the executor learns of it (the Job ended, was deleted, lost its pod).

export type KubernetesRecord = Extract<WorkerRecord, { executor: "kubernetes" }>;

export interface Waiter {
  readonly record: KubernetesRecord;
  readonly promise: Promise<WorkerExit>;
  readonly resolve: (exit: WorkerExit) => void;
  /** Its exit is being worked out (its log saved): it is over, whatever comes next. */
  settling: boolean;
  /** The executor is deleting its Job: its pod going away is no loss. */
  stopping: boolean;
}

export class WorkerWaiters {
  readonly #waiters = new Map<string, Waiter>();

  /** The exit of the worker the record names; one promise per Job, however often asked. */
  waitFor(record: KubernetesRecord): Promise<WorkerExit> {
    const existing = this.#waiters.get(record.uid);
    if (existing !== undefined) return existing.promise;
    let resolve!: (exit: WorkerExit) => void;
    const promise = new Promise<WorkerExit>((r) => (resolve = r));
    this.#waiters.set(record.uid, { record, promise, resolve, settling: false, stopping: false });
    return promise;
  }

  get(uid: string | undefined): Waiter | undefined {
    return uid === undefined ? undefined : this.#waiters.get(uid);
  }

  /** Those not settling nor being stopped: still expected to report how they end. */
  following(): Waiter[] {
    return [...this.#waiters.values()].filter((w) => !w.settling && !w.stopping);
  }

  markStopping(uid: string): void {
    const waiter = this.#waiters.get(uid);
    if (waiter !== undefined) waiter.stopping = true;
  }

  settle(uid: string, exit: WorkerExit): void {
    const waiter = this.#waiters.get(uid);
    if (waiter === undefined) return;
    this.#waiters.delete(uid);
    waiter.resolve(exit);
  }
}
