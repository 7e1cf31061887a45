import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { toProblem, type Problem } from "./error-mapper.js";
import { logRequestAs, requestLogger } from "./request-context.js";

// Sends the error mapper's answers as application/problem+json (RFC 9457). Each API may format the body's
// `type` its own way (the OGC facade's exception URIs); the status and the rest come from the mapper.

export const PROBLEM_JSON = "application/problem+json";

/** How an API writes a problem's body: the mapper's problem in, the body's members out. */
export type ProblemFormat = (problem: Problem) => Readonly<Record<string, unknown>>;

/** The service's own format: `type` about:blank unless the problem names one (validation problems do). */
export const plainProblem: ProblemFormat = (p) => ({
  type: "about:blank",
  title: p.title,
  status: p.status,
  detail: p.detail,
  ...p.extra,
});

const INTERNAL: Problem = {
  status: 500,
  title: "Internal Server Error",
  detail: "The service failed to handle this request; it has been logged.",
  extra: {},
  headers: {},
};

export function sendProblem(res: Response, problem: Problem, format: ProblemFormat = plainProblem): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res
    .status(problem.status)
    .type(PROBLEM_JSON)
    .send(JSON.stringify(format(problem)));
}

/** The error handler of an API: the mapper decides, `format` writes. */
export function problemHandler(format: ProblemFormat = plainProblem): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(error);
    if (problem === undefined) {
      requestLogger(res).error({ err: error }, "unhandled error");
      sendProblem(res, INTERNAL, format);
      return;
    }
    // A job's own failure, reported as the standard asks (500), is no fault of the service: any client could
    // otherwise write error lines into the log at will.
    if (problem.expected === true) logRequestAs(res, "warn");
    sendProblem(res, problem, format);
  };
}

export const problemMiddleware = problemHandler();

/** Unknown paths and methods get problem+json too. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, {
    status: 404,
    title: "Not Found",
    detail: `Nothing is served at ${req.method} ${req.path}.`,
    extra: {},
    headers: {},
  });
};
