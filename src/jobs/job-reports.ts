import type { Logger } from "../logging/create-logger.js";
import type { JobStore } from "./job-store.js";
import { isTerminal, type StatusDocument } from "./status-document.js";
import type { SubscriberEvent, SubscriberNotifier } from "./subscriber-notifier.js";
import type { WorkerFigures } from "./worker-figures.js";

// Who hears about a job's progress and end: its OGC subscriber (callbacks) and the ended-job observers (metrics).
// Reporting never fails the job: what cannot be read or sent is logged.

export interface JobReportsDeps {
  readonly store: JobStore;
  readonly logger: Logger;
  readonly notifier?: SubscriberNotifier | undefined;
  readonly onJobEnded?: ((doc: StatusDocument, figures: WorkerFigures | undefined) => void) | undefined;
}

export class JobReports {
  readonly #deps: JobReportsDeps;
  /** Jobs whose end the observers have been told of, so each is told once. */
  readonly #reported = new Set<string>();

  constructor(deps: JobReportsDeps) {
    this.#deps = deps;
  }

  /** A job has ended (however it ended): its subscriber and the ended-job observers are told, once each. */
  async ended(jobId: string): Promise<void> {
    await this.tell(jobId);
    const { onJobEnded, store, logger } = this.#deps;
    if (onJobEnded === undefined || this.#reported.has(jobId)) return;
    this.#reported.add(jobId);
    try {
      const doc = await store.readStatus(jobId);
      if (isTerminal(doc.status)) onJobEnded(doc, await store.readFigures(jobId));
    } catch (error) {
      logger.warn({ jobId, err: error }, "could not report an ended job");
    }
  }

  /** The subscriber callback for a job's current state (success or failed once it has ended). */
  async tell(jobId: string, event?: SubscriberEvent): Promise<void> {
    const { notifier, store, logger } = this.#deps;
    if (notifier === undefined) return;
    try {
      const spec = await store.readSpec(jobId);
      if (spec.subscriber === undefined) return;
      const doc = await store.readStatus(jobId);
      const which =
        event ?? (doc.status === "successful" ? "success" : doc.status === "failed" ? "failed" : undefined);
      if (which !== undefined) notifier.notify(spec.subscriber, doc, which);
    } catch (error) {
      logger.warn({ jobId, err: error }, "could not prepare a subscriber callback");
    }
  }
}
