import type { FieldIssue } from "../common/zod-issues.js";

// The errors a handler may throw on purpose; the error mapper turns each into application/problem+json
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

/** The most field issues a 400 lists; the rest are counted in errorsOmitted (a thousand bad ids stay short). */
export const MAX_LISTED_ERRORS = 20;

/** A request that does not meet the schema; `errors` names each field that is wrong (up to a cap). */
export class ValidationProblem extends HttpProblem {
  constructor(
    readonly errors: readonly FieldIssue[],
    where: "body" | "query" | "headers" = "body",
  ) {
    const listed = errors.slice(0, MAX_LISTED_ERRORS);
    const omitted = errors.length - listed.length;
    const issues = listed.map((e) => `${e.field}: ${e.message}`);
    if (omitted > 0) issues.push(`and ${omitted} more`);
    super(400, "Invalid request", `The request ${where} is invalid: ${issues.join("; ")}`, {
      type: VALIDATION_PROBLEM_TYPE,
      errors: listed,
      ...(omitted > 0 ? { errorsOmitted: omitted } : {}),
    });
  }
}
