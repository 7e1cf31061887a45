import { setTimeout as sleep } from "node:timers/promises";
import { errorMessage } from "../common/errors.js";

// The worker's single writer of a document it owns (its task's tasks/<i>.json): changes are applied in memory
// in order, and one writer puts the latest document on disk. A failed write never blocks the next: it is
// retried (the latest document wins), and only a failure that outlasts the retries reaches the caller, with its
// cause.

/** Writes one version of the document (the job store's writeTask in the worker). */
export type DocumentSink<D> = (doc: D) => Promise<void>;

/** What the reporter needs to know of the documents it writes. */
export interface ReportedDocument<D> {
  /** The file, as messages name it ("tasks/3.json"). */
  readonly file: string;
  /** Not ended yet: the heartbeat refreshes it, and a document whose end could not be written falls back to it. */
  isOpen(doc: D): boolean;
  /** The heartbeat's change: the same document, `updated` now. */
  beat(doc: D, now: Date): D;
}

export interface StatusReporterOptions {
  readonly now?: () => Date;
  /** Waits before each retry of a failed write; the last one failing makes the failure persistent. */
  readonly retryDelaysMs?: readonly number[];
}

/** The document could not be written even after retrying. */
export class StatusWriteError extends Error {
  override readonly name = "StatusWriteError";
}

/** Retries over about 7 s: a stale NFS handle or a moment of ENOSPC passes; a volume that stays broken does not. */
const RETRY_DELAYS_MS = [100, 500, 1_500, 5_000];

interface Waiter {
  readonly version: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class StatusReporter<D> {
  readonly #sink: DocumentSink<D>;
  readonly #kind: ReportedDocument<D>;
  readonly #now: () => Date;
  readonly #retryDelaysMs: readonly number[];
  #doc: D;
  /** The latest document that was still open: one whose end could not be written ends from it instead. */
  #lastOpen: D;
  /** Version of #doc; #written is the last version on disk. */
  #version = 0;
  #written = 0;
  #waiters: Waiter[] = [];
  #flushing = false;
  #heartbeat: NodeJS.Timeout | undefined;

  /** Nothing is written until the first write() or update(). */
  constructor(
    sink: DocumentSink<D>,
    kind: ReportedDocument<D>,
    initial: D,
    options: StatusReporterOptions = {},
  ) {
    this.#sink = sink;
    this.#kind = kind;
    this.#doc = initial;
    this.#lastOpen = initial;
    this.#now = options.now ?? (() => new Date());
    this.#retryDelaysMs = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  }

  get doc(): D {
    return this.#doc;
  }

  get lastOpen(): D {
    return this.#lastOpen;
  }

  /**
   * Applies a transition and resolves once this document, or a later one, is on disk. Rejects with a
   * StatusWriteError when the write still fails after the retries; the change stays applied in memory and goes
   * to disk with the next successful write.
   */
  update(transition: (doc: D, now: Date) => D): Promise<void> {
    this.#doc = transition(this.#doc, this.#now());
    return this.write();
  }

  /** Puts the current document on disk, as update() does. */
  write(): Promise<void> {
    if (this.#kind.isOpen(this.#doc)) this.#lastOpen = this.#doc;
    const version = ++this.#version;
    const written = new Promise<void>((resolve, reject) => this.#waiters.push({ version, resolve, reject }));
    void this.#flush();
    return written;
  }

  startHeartbeat(intervalMs: number): void {
    this.#heartbeat = setInterval(() => {
      if (!this.#kind.isOpen(this.#doc)) return;
      this.update((doc, now) => this.#kind.beat(doc, now)).catch(() => {
        // The next beat writes again; a volume that stays broken shows as a stale heartbeat to the API.
      });
    }, intervalMs);
    this.#heartbeat.unref();
  }

  stopHeartbeat(): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /** The one writer: writes the latest document until what is on disk is current, retrying failed writes. */
  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      let failures = 0;
      while (this.#written < this.#version) {
        const version = this.#version;
        try {
          await this.#sink(this.#doc);
        } catch (error) {
          const delay = this.#retryDelaysMs[failures++];
          if (delay !== undefined) {
            await sleep(delay);
            continue;
          }
          // Everyone waiting is told; a later update starts afresh.
          const failure = new StatusWriteError(
            `${this.#kind.file} could not be written: ${errorMessage(error)}`,
            { cause: error },
          );
          this.#settle(
            () => true,
            (w) => w.reject(failure),
          );
          return;
        }
        failures = 0;
        this.#written = version;
        this.#settle(
          (w) => w.version <= version,
          (w) => w.resolve(),
        );
      }
    } finally {
      this.#flushing = false;
    }
  }

  #settle(which: (w: Waiter) => boolean, action: (w: Waiter) => void): void {
    const settled = this.#waiters.filter(which);
    this.#waiters = this.#waiters.filter((w) => !which(w));
    for (const waiter of settled) action(waiter);
  }
}
