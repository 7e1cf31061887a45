import { V1MicroTime, type V1Lease } from "@kubernetes/client-node";

// What a leader-election Lease says, read the same whether the client handed its times back as strings (as it
// does for MicroTime) or as dates.

export interface LeaseRecord {
  /** Who holds it; undefined when no one does (never taken, or released). */
  readonly holder: string | undefined;
  /** How long its holder's claim lasts from when it was last seen to change. */
  readonly durationMs: number;
  /** The spec in words, to tell a changed Lease from one read again unchanged. */
  readonly key: string;
}

/** The Lease's record; durationMs falls back to the reader's own when the holder wrote none. */
export function leaseRecord(lease: V1Lease, defaultDurationMs: number): LeaseRecord {
  const spec = lease.spec ?? {};
  const key = JSON.stringify([
    spec.holderIdentity ?? "",
    spec.leaseDurationSeconds ?? null,
    timeText(spec.acquireTime),
    timeText(spec.renewTime),
    spec.leaseTransitions ?? null,
  ]);
  const seconds = spec.leaseDurationSeconds;
  return {
    holder: spec.holderIdentity || undefined,
    durationMs: seconds !== undefined && seconds > 0 ? seconds * 1000 : defaultDurationMs,
    key,
  };
}

/**
 * A Lease's times are MicroTime: RFC 3339 with exactly six fractional digits, which is all the API server parses.
 * A plain Date is sent with three (toISOString) and refused; the client's V1MicroTime writes six.
 */
export function microTime(date: Date): V1MicroTime {
  return new V1MicroTime(date.getTime());
}

/** The client hands MicroTime back as the server's string, not a Date; either reads the same here. */
function timeText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === "string" ? value : "";
}
