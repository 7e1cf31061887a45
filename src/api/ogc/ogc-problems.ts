import type { ErrorRequestHandler } from "express";
import { problemHandler, plainProblem, type ProblemFormat } from "../problem-middleware.js";

// The OGC facade's exception bodies: the same answers as the rest of the service (the error mapper decides
// them), with the exception type URIs of OGC API - Processes - Part 1 where it names one.

export const OGC_EXCEPTION = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/";

export const ogcProblem: ProblemFormat = (problem) => ({
  ...plainProblem(problem),
  ...(problem.kind === undefined ? {} : { type: `${OGC_EXCEPTION}${problem.kind}` }),
});

/** The error handler of the OGC routes. */
export const ogcProblemHandler: ErrorRequestHandler = problemHandler(ogcProblem);
