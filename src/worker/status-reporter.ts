import type { JobStore } from "../jobs/job-store.js";
import type { StatusDocument } from "../jobs/status-document.js";
import { markProgress } from "../jobs/transitions.js";

// The worker's single writer of status.json: changes are applied in memory in order and written one at a time,
// and a heartbeat refreshes `updated` so the API can tell a slow worker from a dead one.

export class StatusReporter {
  #doc: StatusDocument;
  #writing: Promise<void> = Promise.resolve();
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: JobStore,
    initial: StatusDocument,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.#doc = initial;
  }

  get doc(): StatusDocument {
    return this.#doc;
  }

  /** Applies a transition and writes the result; resolves once it is on disk. */
  update(transition: (doc: StatusDocument, now: Date) => StatusDocument): Promise<void> {
    this.#doc = transition(this.#doc, this.now());
    const snapshot = this.#doc;
    this.#writing = this.#writing.then(() => this.store.writeStatus(snapshot));
    return this.#writing;
  }

  startHeartbeat(intervalMs: number): void {
    this.#heartbeat = setInterval(() => {
      if (this.#doc.status !== "running") return;
      this.update((doc, now) => markProgress(doc, {}, now)).catch(() => {
        // A missed beat is retried on the next tick; a lasting failure shows as a stale heartbeat.
      });
    }, intervalMs);
    this.#heartbeat.unref();
  }

  stopHeartbeat(): void {
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}
