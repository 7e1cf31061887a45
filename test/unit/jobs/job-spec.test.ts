import { describe, expect, it } from "vitest";
import { EchoInputsSchema, MAX_ECHO_PAUSE_SECONDS } from "../../../src/jobs/job-spec.js";

// The echo process is a test process: it must not hold a real worker slot for long.

describe("EchoInputsSchema", () => {
  it("caps pause at a few seconds", () => {
    expect(MAX_ECHO_PAUSE_SECONDS).toBe(5);
    expect(EchoInputsSchema.safeParse({ stringInput: "x", pause: 5 }).success).toBe(true);
    const refused = EchoInputsSchema.safeParse({ stringInput: "x", pause: 6 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe("must be at most 5 seconds");
  });

  it("defaults pause to 0 and refuses a negative or fractional one", () => {
    expect(EchoInputsSchema.parse({ stringInput: "x" })).toEqual({ stringInput: "x", pause: 0 });
    expect(EchoInputsSchema.safeParse({ stringInput: "x", pause: -1 }).success).toBe(false);
    expect(EchoInputsSchema.safeParse({ stringInput: "x", pause: 1.5 }).success).toBe(false);
  });
});
