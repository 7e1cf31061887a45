import { describe, expect, it } from "vitest";
import { parseInterval } from "../../../src/api/ogc/ogc-values.js";
import { ValidationProblem } from "../../../src/api/problems.js";

// The OGC job list's datetime filter: an RFC 3339 instant, or an interval with ".." (or nothing) for an open end.

const at = (text: string) => Date.parse(text);

describe("parseInterval", () => {
  it("matches an instant exactly", () => {
    const test = parseInterval("2024-05-01T10:00:00Z");
    expect(test(at("2024-05-01T10:00:00Z"))).toBe(true);
    expect(test(at("2024-05-01T10:00:00.001Z"))).toBe(false);
  });

  it("matches a closed interval, both ends included", () => {
    const test = parseInterval("2024-05-01T00:00:00Z/2024-05-02T00:00:00Z");
    expect(test(at("2024-05-01T00:00:00Z"))).toBe(true);
    expect(test(at("2024-05-01T12:00:00Z"))).toBe(true);
    expect(test(at("2024-05-02T00:00:00Z"))).toBe(true);
    expect(test(at("2024-04-30T23:59:59Z"))).toBe(false);
    expect(test(at("2024-05-02T00:00:01Z"))).toBe(false);
  });

  it("reads '..' and an empty end as open", () => {
    for (const text of ["2024-05-01T00:00:00Z/..", "2024-05-01T00:00:00Z/"]) {
      const test = parseInterval(text);
      expect(test(at("2999-01-01T00:00:00Z")), text).toBe(true);
      expect(test(at("2024-04-30T00:00:00Z")), text).toBe(false);
    }
    for (const text of ["../2024-05-01T00:00:00Z", "/2024-05-01T00:00:00Z"]) {
      const test = parseInterval(text);
      expect(test(at("1970-01-01T00:00:00Z")), text).toBe(true);
      expect(test(at("2024-05-01T00:00:01Z")), text).toBe(false);
    }
    expect(parseInterval("../..")(0)).toBe(true);
  });

  it("takes an offset and a date alone, as Date.parse reads them", () => {
    expect(parseInterval("2024-05-01T12:00:00+02:00")(at("2024-05-01T10:00:00Z"))).toBe(true);
    expect(parseInterval("2024-05-01/2024-05-01T23:59:59Z")(at("2024-05-01T08:00:00Z"))).toBe(true);
  });

  it("refuses what is not a date-time or has more than two parts, as a 400 naming datetime", () => {
    for (const text of [
      "yesterday",
      "2024-05-01T00:00:00Z/soon",
      "a/b/c",
      "2024-01-01/2024-02-01/2024-03-01",
    ]) {
      let thrown: unknown;
      try {
        parseInterval(text);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, text).toBeInstanceOf(ValidationProblem);
      expect((thrown as ValidationProblem).status).toBe(400);
      expect((thrown as ValidationProblem).errors.map((e) => e.field)).toEqual(["datetime"]);
    }
  });
});
