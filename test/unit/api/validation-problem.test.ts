import { describe, expect, it } from "vitest";
import { ValidationProblem } from "../../../src/api/problems.js";

// A 400 names each bad field, up to a cap: a request with a thousand bad ids gets a short answer that says how
// many more there were.

const issues = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    field: `imagery_list[${i}]`,
    message: "is not a Landsat 8/9 scene id",
  }));

describe("ValidationProblem", () => {
  it("lists every issue when there are few", () => {
    const problem = new ValidationProblem(issues(3));
    expect(problem.extra["errors"]).toHaveLength(3);
    expect(problem.extra["errorsOmitted"]).toBeUndefined();
    expect(problem.detail).toBe(
      "The request body is invalid: imagery_list[0]: is not a Landsat 8/9 scene id; " +
        "imagery_list[1]: is not a Landsat 8/9 scene id; imagery_list[2]: is not a Landsat 8/9 scene id",
    );
  });

  it("lists the first 20 of many, and says how many more there were", () => {
    const problem = new ValidationProblem(issues(1000), "query");
    expect(problem.extra["errors"]).toEqual(issues(20));
    expect(problem.extra["errorsOmitted"]).toBe(980);
    expect(problem.detail).toMatch(/^The request query is invalid: imagery_list\[0\]: /);
    expect(problem.detail).toMatch(/imagery_list\[19\]: is not a Landsat 8\/9 scene id; and 980 more$/);
    expect(JSON.stringify({ detail: problem.detail, ...problem.extra }).length).toBeLessThan(4000);
  });
});
