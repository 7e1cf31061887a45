import { STATUS_CODES } from "node:http";
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { IdempotencyConflictError, QueueFullError } from "../jobs/job-service.js";
import { JobNotFoundError } from "../jobs/job-store.js";
import { InvalidTransitionError } from "../jobs/transitions.js";
import { requestLogger } from "./request-context.js";
import { HttpProblem } from "./problems.js";

// The one place that maps errors to HTTP answers.

export const PROBLEM_JSON = "application/problem+json";

/** What a 429 asks a client to wait: about one short job's worth. */
const RETRY_AFTER_SECONDS = 30;

export function sendProblem(
  res: Response,
  status: number,
  title: string,
  detail: string,
  extra: Readonly<Record<string, unknown>> = {},
): void {
  res
    .status(status)
    .type(PROBLEM_JSON)
    .send(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }));
}

/** Errors raised by express.json() carry a `type` naming what went wrong with the body. */
interface BodyParserError {
  readonly type: string;
  readonly status?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === "object" && error !== null && typeof (error as { type?: unknown }).type === "string"
  );
}

export const problemMiddleware: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  if (error instanceof HttpProblem) {
    sendProblem(res, error.status, error.title, error.detail, error.extra);
    return;
  }
  if (error instanceof JobNotFoundError) {
    sendProblem(res, 404, "Job not found", `There is no job ${error.jobId}.`);
    return;
  }
  if (error instanceof QueueFullError) {
    res.setHeader("Retry-After", String(RETRY_AFTER_SECONDS));
    sendProblem(
      res,
      429,
      "Too Many Requests",
      `The queue is full (${error.queued} jobs waiting); try again in ${RETRY_AFTER_SECONDS} s.`,
    );
    return;
  }
  if (error instanceof IdempotencyConflictError) {
    sendProblem(
      res,
      422,
      "Idempotency-Key reused",
      "This Idempotency-Key was first used with a different request; use a new key for a new job.",
      { jobID: error.jobId },
    );
    return;
  }
  if (error instanceof InvalidTransitionError) {
    sendProblem(res, 409, "Conflict", `The job is already ${error.from}; it cannot become ${error.to}.`, {
      jobStatus: error.from,
    });
    return;
  }
  if (isBodyParserError(error)) {
    switch (error.type) {
      case "entity.parse.failed":
        sendProblem(res, 400, "Malformed JSON", "The request body is not valid JSON.");
        return;
      case "entity.too.large":
        sendProblem(
          res,
          413,
          "Request body too large",
          "The request body is larger than the service accepts.",
        );
        return;
      case "encoding.unsupported":
      case "charset.unsupported":
        sendProblem(res, 415, "Unsupported body encoding", "Send the body as UTF-8 JSON.");
        return;
      case "request.aborted":
      case "request.size.invalid":
        sendProblem(res, 400, "Bad request", "The request body was incomplete.");
        return;
    }
  }
  // Express's router marks what it refuses with a 4xx status (a path parameter that is not valid
  // percent-encoded UTF-8 is a URIError with status 400).
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const detail =
      error instanceof URIError
        ? "The request path is not valid percent-encoded UTF-8."
        : (STATUS_CODES[status] ?? "The request was refused.");
    sendProblem(res, status, STATUS_CODES[status] ?? "Client error", detail);
    return;
  }
  requestLogger(res).error({ err: error }, "unhandled error");
  sendProblem(
    res,
    500,
    "Internal Server Error",
    "The service failed to handle this request; it has been logged.",
  );
};

/** Unknown paths and methods get problem+json too. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, "Not Found", `Nothing is served at ${req.method} ${req.path}.`);
};
