import { describe, expect, it } from "vitest";
import type { StatusDocument } from "../../../src/jobs/status-document.js";
import { createAccepted, markFinished, markProgress, markRunning } from "../../../src/jobs/transitions.js";
import { StatusReporter, StatusWriteError, type StatusSink } from "../../../src/worker/status-reporter.js";

// The worker's status writer against a sink that fails on command: a failed write never blocks the next.

const JOB = "0190a000-0000-7000-8000-000000000001";

/** A sink that fails the writes whose (0-based) numbers `failing` accepts, and keeps what it wrote. */
function flakySink(failing: (attempt: number) => boolean): StatusSink & {
  written: StatusDocument[];
  attempts: number;
} {
  const sink = {
    written: [] as StatusDocument[],
    attempts: 0,
    writeStatus(doc: StatusDocument): Promise<void> {
      const attempt = sink.attempts++;
      if (failing(attempt)) return Promise.reject(new Error(`EIO: i/o error, write (attempt ${attempt})`));
      sink.written.push(doc);
      return Promise.resolve();
    },
  };
  return sink;
}

const accepted = () => createAccepted(JOB, [], new Date("2026-01-01T00:00:00Z"));
const fast = { retryDelaysMs: [1, 1] };

describe("StatusReporter", () => {
  it("retries a write that fails once, and the latest document reaches disk", async () => {
    const sink = flakySink((n) => n === 1);
    const reporter = new StatusReporter(sink, accepted(), fast);
    await reporter.update(markRunning);
    await reporter.update((doc, now) => markProgress(doc, { message: "half", percent: 50 }, now));
    await reporter.update((doc, now) => markFinished(doc, "out", now));
    expect(sink.written.at(-1)?.status).toBe("successful");
    expect(sink.attempts).toBeGreaterThan(sink.written.length);
  });

  it("rejects with the cause when writes keep failing, and is not blocked once the volume is back", async () => {
    let broken = true;
    const sink = flakySink(() => broken);
    const reporter = new StatusReporter(sink, accepted(), fast);
    const failure = await reporter.update(markRunning).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StatusWriteError);
    expect((failure as Error).message).toMatch(/status\.json could not be written: EIO/);
    expect(sink.attempts).toBe(3);
    broken = false;
    await reporter.update((doc, now) => markFinished(doc, "out", now));
    expect(sink.written.map((d) => d.status)).toEqual(["successful"]);
  });

  it("writes the latest document after a failure, not the one that failed", async () => {
    const sink = flakySink((n) => n === 0);
    const reporter = new StatusReporter(sink, accepted(), { retryDelaysMs: [20] });
    const first = reporter.update(markRunning);
    const second = reporter.update((doc, now) => markProgress(doc, { percent: 40 }, now));
    await Promise.all([first, second]);
    expect(sink.written.at(-1)?.progress).toBe(40);
  });

  it("keeps the last open document for a job whose final status could not be written", async () => {
    const sink = flakySink(() => false);
    const reporter = new StatusReporter(sink, accepted(), fast);
    await reporter.update(markRunning);
    await reporter.update((doc, now) => markFinished(doc, "out", now));
    expect(reporter.doc.status).toBe("successful");
    expect(reporter.lastOpen.status).toBe("running");
  });

  it("a heartbeat that fails is written again on the next beat", async () => {
    const sink = flakySink((n) => n === 1);
    const reporter = new StatusReporter(sink, accepted(), { retryDelaysMs: [] });
    await reporter.update(markRunning);
    reporter.startHeartbeat(10);
    await new Promise((resolve) => setTimeout(resolve, 80));
    reporter.stopHeartbeat();
    expect(sink.attempts).toBeGreaterThan(2);
    expect(sink.written.length).toBe(sink.attempts - 1);
  });
});
