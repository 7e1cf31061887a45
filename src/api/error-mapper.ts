import { STATUS_CODES } from "node:http";
import { IdempotencyConflictError, QueueFullError } from "../jobs/job-service.js";
import { JobNotFoundError } from "../jobs/job-store.js";
import { InvalidTransitionError } from "../jobs/transitions.js";
import {
  JobDismissedError,
  JobFailedError,
  OutputNotFoundError,
  ProcessNotFoundError,
  ResultsNotReadyError,
} from "./api-errors.js";
import { HttpProblem } from "./problems.js";

// The one place that decides the HTTP answer to an error, for both APIs: status, title, detail and extension
// members. How the body names its type is the API's own business (the OGC facade's exception URIs).

/** What went wrong, in OGC API - Processes' words where it has some (its exception types are named so). */
export type ProblemKind = "no-such-job" | "no-such-process" | "result-not-ready" | "job-results-failed";

export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** Members beyond status, title and detail (type, errors, jobID...). */
  readonly extra: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly kind?: ProblemKind;
  /** A 5xx that reports a job's own failure, not the service's: its request is not logged as an error. */
  readonly expected?: boolean;
}

/** What a 429 asks a client to wait: about one short job's worth. */
const RETRY_AFTER_SECONDS = 30;

const problem = (
  status: number,
  title: string,
  detail: string,
  more: Partial<Omit<Problem, "status" | "title" | "detail">> = {},
): Problem => ({ status, title, detail, extra: {}, headers: {}, ...more });

/** The answer to an error; undefined for one nobody raised on purpose (a 500 whose details are logged). */
export function toProblem(error: unknown): Problem | undefined {
  if (error instanceof HttpProblem)
    return problem(error.status, error.title, error.detail, { extra: error.extra });
  if (error instanceof JobNotFoundError) {
    return problem(404, "Job not found", `There is no job ${error.jobId}.`, { kind: "no-such-job" });
  }
  if (error instanceof ProcessNotFoundError) {
    return problem(404, "No such process", error.message, { kind: "no-such-process" });
  }
  if (error instanceof ResultsNotReadyError) {
    return problem(404, "Result not ready", error.message, { kind: "result-not-ready" });
  }
  if (error instanceof JobDismissedError)
    return problem(404, "Job dismissed", error.message, { kind: "no-such-job" });
  if (error instanceof OutputNotFoundError)
    return problem(404, "Not found", error.message, { kind: "no-such-job" });
  if (error instanceof JobFailedError) {
    return problem(500, "Job failed", error.reason, { kind: "job-results-failed", expected: true });
  }
  if (error instanceof QueueFullError) {
    const detail =
      error.owner === undefined
        ? `The queue is full (${error.queued} jobs waiting); try again in ${RETRY_AFTER_SECONDS} s.`
        : `This owner's queue is full (${error.queued} of its jobs waiting, the most one owner may queue); try again in ${RETRY_AFTER_SECONDS} s.`;
    return problem(429, "Too Many Requests", detail, {
      headers: { "Retry-After": String(RETRY_AFTER_SECONDS) },
    });
  }
  if (error instanceof IdempotencyConflictError) {
    const detail =
      "This Idempotency-Key was first used with a different request; use a new key for a new job.";
    return problem(422, "Idempotency-Key reused", detail, { extra: { jobID: error.jobId } });
  }
  if (error instanceof InvalidTransitionError) {
    const detail = `The job is already ${error.from}; it cannot become ${error.to}. Its published results are kept.`;
    return problem(409, "Conflict", detail, { extra: { jobStatus: error.from } });
  }
  return bodyParserProblem(error) ?? routerProblem(error);
}

/** express.json() marks what went wrong with the body in a `type`. */
function bodyParserProblem(error: unknown): Problem | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case "entity.parse.failed":
      return problem(400, "Malformed JSON", "The request body is not valid JSON.");
    case "entity.too.large":
      return problem(413, "Request body too large", "The request body is larger than the service accepts.");
    case "encoding.unsupported":
    case "charset.unsupported":
      return problem(415, "Unsupported body encoding", "Send the body as UTF-8 JSON.");
    case "request.aborted":
    case "request.size.invalid":
      return problem(400, "Bad request", "The request body was incomplete.");
    default:
      return undefined;
  }
}

/**
 * Express's router marks what it refuses with a 4xx status (a path parameter that is not valid percent-encoded
 * UTF-8 is a URIError with status 400).
 */
function routerProblem(error: unknown): Problem | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== "number" || status < 400 || status >= 500) return undefined;
  const detail =
    error instanceof URIError
      ? "The request path is not valid percent-encoded UTF-8."
      : (STATUS_CODES[status] ?? "The request was refused.");
  return problem(status, STATUS_CODES[status] ?? "Client error", detail);
}
