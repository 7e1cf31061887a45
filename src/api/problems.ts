import type { FieldIssue } from "../common/zod-issues.js";

// The errors a handler may throw on purpose; the problem middleware turns each into application/problem+json
// (RFC 9457). Anything else becomes a 500 whose details stay in the log.

export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(detail, options);
  }
}

export const VALIDATION_PROBLEM_TYPE = "urn:agricarta:problem:invalid-request";

/** A request that does not meet the schema; `errors` names every field that is wrong. */
export class ValidationProblem extends HttpProblem {
  constructor(
    readonly errors: readonly FieldIssue[],
    where: "body" | "query" | "headers" = "body",
  ) {
    super(
      400,
      "Invalid request",
      `The request ${where} is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
      { type: VALIDATION_PROBLEM_TYPE, errors },
    );
  }
}
