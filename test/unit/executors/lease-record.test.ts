import { describe, expect, it } from "vitest";
import { leaseRecord, microTime } from "../../../src/executors/kubernetes/lease-record.js";

// How the leader election reads and writes a Lease's fields; the cluster suite runs it against a real API server.

describe("microTime", () => {
  it("goes out as RFC 3339 with six fractional digits, as the API server parses MicroTime", () => {
    const at = new Date("2026-03-04T05:06:07.089Z");
    expect(JSON.stringify({ renewTime: microTime(at) })).toBe('{"renewTime":"2026-03-04T05:06:07.089000Z"}');
    // A plain Date would not: three digits, which the server refuses.
    expect(JSON.stringify({ renewTime: at })).toBe('{"renewTime":"2026-03-04T05:06:07.089Z"}');
  });
});

describe("leaseRecord", () => {
  const spec = {
    holderIdentity: "replica-a",
    leaseDurationSeconds: 15,
    leaseTransitions: 2,
  };

  it("reads the holder and its duration, and no holder as none", () => {
    expect(leaseRecord({ spec }, 4_000)).toMatchObject({ holder: "replica-a", durationMs: 15_000 });
    expect(leaseRecord({ spec: { ...spec, holderIdentity: "" } }, 4_000).holder).toBeUndefined();
    expect(leaseRecord({}, 4_000)).toMatchObject({ holder: undefined, durationMs: 4_000 });
  });

  it("tells a renewed Lease from one read again, whether its times came back as strings or dates", () => {
    const text = "2026-03-04T05:06:07.089000Z";
    const asString = leaseRecord({ spec: { ...spec, renewTime: text as unknown as Date } }, 4_000);
    const asDate = leaseRecord(
      { spec: { ...spec, renewTime: microTime(new Date("2026-03-04T05:06:07.089Z")) } },
      4_000,
    );
    expect(asString.key).toBe(asDate.key);
    const renewed = leaseRecord(
      { spec: { ...spec, renewTime: "2026-03-04T05:06:08.000000Z" as unknown as Date } },
      4_000,
    );
    expect(renewed.key).not.toBe(asString.key);
  });
});
