import { describe, expect, it } from "vitest";
import type { TaskDocument } from "../../../src/jobs/task-document.js";
import { StatusReporter, StatusWriteError, type DocumentSink } from "../../../src/worker/status-reporter.js";
import { endTask, progressTask, startTask, taskDocumentKind } from "../../../src/worker/task-transitions.js";

// The worker's writer of its task's document against a sink that fails on command: a failed write never blocks
// the next.

/** A sink that fails the writes whose (0-based) numbers `failing` accepts, and keeps what it wrote. */
function flakySink(failing: (attempt: number) => boolean): {
  sink: DocumentSink<TaskDocument>;
  written: TaskDocument[];
  attempts: () => number;
} {
  const written: TaskDocument[] = [];
  let attempts = 0;
  const sink = (doc: TaskDocument): Promise<void> => {
    const attempt = attempts++;
    if (failing(attempt)) return Promise.reject(new Error(`EIO: i/o error, write (attempt ${attempt})`));
    written.push(doc);
    return Promise.resolve();
  };
  return { sink, written, attempts: () => attempts };
}

const started = () => startTask(3, 1, new Date("2020-01-01T00:00:00Z"));
const reporterOn = (sink: DocumentSink<TaskDocument>, retryDelaysMs: number[]) =>
  new StatusReporter(sink, taskDocumentKind(3), started(), { retryDelaysMs });
const succeed = (doc: TaskDocument, now: Date) =>
  endTask(doc, { status: "successful", message: "Preprocessed", outputs: ["a.tif"] }, now);

describe("StatusReporter", () => {
  it("writes nothing until asked, then the task's document", async () => {
    const flaky = flakySink(() => false);
    const reporter = reporterOn(flaky.sink, [1, 1]);
    expect(flaky.attempts()).toBe(0);
    await reporter.write();
    expect(flaky.written).toEqual([started()]);
  });

  it("retries a write that fails once, and the latest document reaches disk", async () => {
    const flaky = flakySink((n) => n === 1);
    const reporter = reporterOn(flaky.sink, [1, 1]);
    await reporter.write();
    await reporter.update((doc, now) => progressTask(doc, { message: "half", percent: 50 }, now));
    await reporter.update(succeed);
    expect(flaky.written.at(-1)?.status).toBe("successful");
    expect(flaky.attempts()).toBeGreaterThan(flaky.written.length);
  });

  it("rejects with the cause when writes keep failing, and is not blocked once the volume is back", async () => {
    let broken = true;
    const flaky = flakySink(() => broken);
    const reporter = reporterOn(flaky.sink, [1, 1]);
    const failure = await reporter.write().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StatusWriteError);
    expect((failure as Error).message).toMatch(/^tasks\/3\.json could not be written: EIO/);
    expect(flaky.attempts()).toBe(3);
    broken = false;
    await reporter.update(succeed);
    expect(flaky.written.map((d) => d.status)).toEqual(["successful"]);
  });

  it("writes the latest document after a failure, not the one that failed", async () => {
    const flaky = flakySink((n) => n === 0);
    const reporter = reporterOn(flaky.sink, [20]);
    const first = reporter.write();
    const second = reporter.update((doc, now) => progressTask(doc, { percent: 40 }, now));
    await Promise.all([first, second]);
    expect(flaky.written.at(-1)?.percent).toBe(40);
  });

  it("keeps the last open document for a task whose end could not be written", async () => {
    const flaky = flakySink(() => false);
    const reporter = reporterOn(flaky.sink, [1, 1]);
    await reporter.update((doc, now) => progressTask(doc, { message: "Preprocessing" }, now));
    await reporter.update(succeed);
    expect(reporter.doc.status).toBe("successful");
    expect(reporter.lastOpen).toMatchObject({ status: "running", message: "Preprocessing" });
  });

  it("a heartbeat that fails is written again on the next beat, and stops once the task has ended", async () => {
    const flaky = flakySink((n) => n === 1);
    const reporter = reporterOn(flaky.sink, []);
    await reporter.write();
    reporter.startHeartbeat(10);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(flaky.attempts()).toBeGreaterThan(2);
    expect(flaky.written.length).toBe(flaky.attempts() - 1);
    expect(flaky.written.at(-1)!.updated > started().updated).toBe(true);
    await reporter.update(succeed);
    const afterEnd = flaky.attempts();
    await new Promise((resolve) => setTimeout(resolve, 50));
    reporter.stopHeartbeat();
    expect(flaky.attempts()).toBe(afterEnd);
  });
});
