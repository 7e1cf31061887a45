import type { Logger } from "../logging/create-logger.js";
import type { Subscriber } from "./job-spec.js";
import type { StatusDocument } from "./status-document.js";

// OGC API - Processes subscriber callbacks: the job's statusInfo POSTed to the URL the client gave for the event,
// with a timeout per attempt and a few retries. Which URLs are allowed is checked when the job is submitted.

export type SubscriberEvent = "inProgress" | "success" | "failed";

export interface NotifierOptions {
  readonly logger: Logger;
  /** The statusInfo body for a job (links and all; the subscriber record says on which base URL). */
  readonly statusInfo: (doc: StatusDocument, subscriber: Subscriber) => unknown;
  readonly attempts?: number;
  readonly timeoutMs?: number;
  readonly backoffMs?: number;
}

const URI_FOR: Record<SubscriberEvent, keyof Subscriber> = {
  inProgress: "inProgressUri",
  success: "successUri",
  failed: "failedUri",
};

export class SubscriberNotifier {
  readonly #options: Required<NotifierOptions>;
  readonly #sent = new Set<string>();
  readonly #pending = new Set<Promise<void>>();

  constructor(options: NotifierOptions) {
    this.#options = { attempts: 3, timeoutMs: 5_000, backoffMs: 1_000, ...options };
  }

  /** Sends the event once per job (in the background); a job without a URL for it is left alone. */
  notify(subscriber: Subscriber | undefined, doc: StatusDocument, event: SubscriberEvent): void {
    const url = subscriber?.[URI_FOR[event]];
    const key = `${doc.jobID}:${event}`;
    if (subscriber === undefined || url === undefined || this.#sent.has(key)) return;
    this.#sent.add(key);
    const body = JSON.stringify(this.#options.statusInfo(doc, subscriber));
    const sending = this.#send(url, body, doc, event).finally(() => this.#pending.delete(sending));
    this.#pending.add(sending);
  }

  /** Resolves when every callback under way has been delivered or given up (for tests and shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #send(url: string, body: string, doc: StatusDocument, event: SubscriberEvent): Promise<void> {
    const { attempts, timeoutMs, backoffMs, logger } = this.#options;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          redirect: "error",
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) {
          logger.info({ jobId: doc.jobID, event, attempt }, "subscriber notified");
          return;
        }
        logger.warn(
          { jobId: doc.jobID, event, attempt, status: res.status },
          "subscriber refused the callback",
        );
      } catch (error) {
        logger.warn({ jobId: doc.jobID, event, attempt, err: error }, "subscriber callback failed");
      }
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, backoffMs * attempt));
    }
    logger.error({ jobId: doc.jobID, event, attempts }, "gave up on a subscriber callback");
  }
}
