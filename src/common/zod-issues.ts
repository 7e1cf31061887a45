import type { z } from "zod";

// One way to name the field behind a zod issue, shared by config errors and HTTP validation errors.

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** `PARAMS.LC8.bands[2]` style path for an issue. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Flattens zod issues into field/message pairs; a missing value reads "is required", not a type error. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: fieldPath([...issue.path, key]),
        message: "is not a recognised field",
      }));
    }
    const missing = issue.code === "invalid_type" && / received undefined$/.test(issue.message);
    return [{ field: fieldPath(issue.path), message: missing ? "is required" : issue.message }];
  });
}

export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join("; ");
}
