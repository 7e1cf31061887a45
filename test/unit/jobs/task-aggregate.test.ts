import { describe, expect, it } from "vitest";
import type { StatusDocument } from "../../../src/jobs/status-document.js";
import { aggregateStatus, taskCount } from "../../../src/jobs/task-aggregate.js";
import type { TaskAttempt, TaskDocument, TaskRuns } from "../../../src/jobs/task-document.js";
import { createAccepted, markFinished, markRunning } from "../../../src/jobs/transitions.js";

// A running job's status as readers see it: status.json as the API wrote it, put together with its tasks.

const JOB = "0190a000-0000-7000-8000-000000000001";
const T0 = new Date("2026-03-01T10:00:00.000Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000).toISOString();
const SCENES = ["A", "B", "C", "D"];

const running = (): StatusDocument => markRunning(createAccepted(JOB, SCENES, T0), T0);

function task(index: number, change: Partial<TaskDocument> = {}): TaskDocument {
  return {
    index,
    attempt: 1,
    status: "running",
    message: "Preprocessing",
    outputs: [],
    percent: 50,
    started: at(1),
    updated: at(2),
    log: { staging: [], processing: [] },
    ...change,
  };
}

const worker = { executor: "local", pid: 42, host: "h", startedAt: at(0) } as const;
function runs(index: number, ...attempts: Partial<TaskAttempt>[]): TaskRuns {
  return { index, attempts: attempts.map((a, i) => ({ attempt: i + 1, worker, ...a })) };
}

describe("taskCount", () => {
  it("is one task per scene, and one for the echo process", () => {
    expect(taskCount(running())).toBe(4);
    expect(taskCount(markRunning(createAccepted(JOB, [], T0, "echo"), T0))).toBe(1);
  });
});

describe("aggregateStatus", () => {
  it("shows each scene as its task has it, the mean progress and the latest heartbeat", () => {
    const doc = aggregateStatus(
      running(),
      [
        task(0, {
          status: "successful",
          message: "Preprocessed",
          outputs: ["o/a.tif"],
          percent: 100,
          updated: at(9),
        }),
        task(1, { percent: 30, updated: at(12) }),
        task(2, {
          status: "failed",
          message: "Not found in imagery storage at x",
          percent: 0,
          updated: at(3),
        }),
        undefined,
      ],
      [runs(0, {}), runs(1, {}), runs(2, {}), undefined],
    );
    expect(doc.scenes).toEqual([
      { id: "A", status: "successful", message: "Preprocessed", outputs: ["o/a.tif"] },
      { id: "B", status: "running", message: "Preprocessing", outputs: [] },
      { id: "C", status: "failed", message: "Not found in imagery storage at x", outputs: [] },
      { id: "D", status: "pending", message: "Waiting", outputs: [] },
    ]);
    // (100 + 30 + 100 [ended counts whole] + 0) / 4 = 57.5, an integer for the document
    expect(doc.progress).toBe(57);
    expect(doc.updated).toBe(at(12));
    expect(doc.message).toBe("Processing scenes: 2 of 4 ended, 1 running");
    expect(doc.status).toBe("running");
  });

  it("keeps the document's own time when no task has beaten since", () => {
    const doc = running();
    const later = { ...doc, updated: at(100) };
    expect(aggregateStatus(later, [task(0, { updated: at(5) })], [runs(0, {})]).updated).toBe(at(100));
  });

  it("shows a task whose worker died and is run again as pending, with the reason", () => {
    const dead = task(1, { attempt: 1, percent: 80, message: "Preprocessing" });
    const retried = { ended: { at: at(20), reason: "OOMKilled", retried: true } };
    // The retry is recorded, its worker not yet started or not yet written: the old document does not count.
    for (const attempts of [[retried], [retried, {}]]) {
      const doc = aggregateStatus(running(), [undefined, dead], [undefined, runs(1, ...attempts)]);
      expect(doc.scenes[1]).toEqual({
        id: "B",
        status: "pending",
        message: "Retrying after: OOMKilled",
        outputs: [],
      });
      expect(doc.progress).toBe(0);
      expect(doc.message).toBe("Processing scenes: 0 of 4 ended, 0 running");
    }
  });

  it("does not take an ended document of an older attempt for the task's outcome", () => {
    // Attempt 1 wrote "successful" yet the API saw its worker die first and started attempt 2.
    const old = task(0, { attempt: 1, status: "successful", message: "Preprocessed", percent: 100 });
    const doc = aggregateStatus(
      running(),
      [old],
      [runs(0, { ended: { at: at(3), reason: "evicted", retried: true } }, {})],
    );
    expect(doc.scenes[0]!.status).toBe("pending");
    expect(doc.message).toMatch(/^Processing scenes: 0 of 4 ended/);
  });

  it("takes the retry's own document once it has written one", () => {
    const retry = task(0, { attempt: 2, percent: 40, message: "Staged" });
    const doc = aggregateStatus(
      running(),
      [retry],
      [runs(0, { ended: { at: at(3), reason: "evicted", retried: true } }, {})],
    );
    expect(doc.scenes[0]).toMatchObject({ status: "running", message: "Staged" });
    expect(doc.progress).toBe(10);
  });

  it("shows an echo job's task message and progress", () => {
    const echo = markRunning(createAccepted(JOB, [], T0, "echo"), T0);
    const doc = aggregateStatus(echo, [task(0, { message: "Pausing 3 s", percent: 20 })], [runs(0, {})]);
    expect(doc).toMatchObject({ message: "Pausing 3 s", progress: 20, scenes: [] });
  });

  it("returns a running job none of whose tasks has begun, and any job that is not running, as it is", () => {
    const doc = running();
    expect(aggregateStatus(doc, [], [])).toBe(doc);
    const finished = markFinished(doc, undefined, T0);
    const accepted = createAccepted(JOB, SCENES, T0);
    for (const other of [finished, accepted]) {
      expect(aggregateStatus(other, [task(0, { status: "failed" })], [runs(0, {})])).toBe(other);
    }
  });
});
