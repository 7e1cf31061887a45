import { describe, expect, it } from "vitest";
import { StatusDocumentSchema } from "../../../src/jobs/status-document.js";
import {
  createAccepted,
  InvalidTransitionError,
  markDismissed,
  markFailed,
  markFinished,
  markProgress,
  markRunning,
  updateScene,
} from "../../../src/jobs/transitions.js";

const JOB = "01a2109b-646a-7495-9dde-b4be9f8fb147";
const t = (s: number): Date => new Date(Date.UTC(2026, 10, 25, 12, 0, s));
const accepted = createAccepted(JOB, ["A", "B"], t(0));
const running = markRunning(accepted, t(1));

describe("status transitions", () => {
  it("creates an accepted job with a pending entry per scene, valid against the schema", () => {
    expect(accepted).toMatchObject({
      jobID: JOB,
      processID: "preprocessing",
      type: "process",
      status: "accepted",
      progress: 0,
      created: t(0).toISOString(),
      scenes: [
        { id: "A", status: "pending", outputs: [] },
        { id: "B", status: "pending", outputs: [] },
      ],
    });
    expect(StatusDocumentSchema.parse(accepted)).toEqual(accepted);
  });

  it("runs, reports progress with a heartbeat, and finishes successful when every scene succeeded", () => {
    expect(running).toMatchObject({ status: "running", started: t(1).toISOString() });
    const beat = markProgress(running, { percent: 42.4, message: "warping" }, t(2));
    expect(beat).toMatchObject({ progress: 42, message: "warping", updated: t(2).toISOString() });
    expect(markProgress(beat, {}, t(3))).toMatchObject({
      progress: 42,
      message: "warping",
      updated: t(3).toISOString(),
    });
    let doc = updateScene(beat, "A", { status: "successful", outputs: ["a.tif"] }, t(4));
    doc = updateScene(doc, "B", { status: "successful" }, t(5));
    const done = markFinished(doc, "agricarta/preprocessing/x", t(6));
    expect(done).toMatchObject({ status: "successful", progress: 100, finished: t(6).toISOString() });
    expect(StatusDocumentSchema.parse(done)).toEqual(done);
  });

  it("finishes failed, naming the failed scenes, when any scene failed", () => {
    let doc = updateScene(running, "A", { status: "successful" }, t(2));
    doc = updateScene(doc, "B", { status: "failed", message: "not found" }, t(3));
    expect(markFinished(doc, "out", t(4))).toMatchObject({
      status: "failed",
      message: "1 of 2 scene(s) failed: B",
    });
  });

  it("fails a job and every scene still open, keeping finished scenes as they were", () => {
    const doc = updateScene(running, "A", { status: "successful" }, t(2));
    const failed = markFailed(doc, "worker is gone", t(3));
    expect(failed.status).toBe("failed");
    expect(failed.scenes.map((s) => [s.status, s.message])).toEqual([
      ["successful", "Waiting"],
      ["failed", "worker is gone"],
    ]);
    expect(markFailed(accepted, "could not start", t(1)).status).toBe("failed");
  });

  it("dismisses queued and running jobs", () => {
    expect(markDismissed(accepted, t(1)).status).toBe("dismissed");
    expect(markDismissed(running, t(2))).toMatchObject({ status: "dismissed", finished: t(2).toISOString() });
  });

  it.each([
    ["run a running job", () => markRunning(running, t(2))],
    ["report progress on a queued job", () => markProgress(accepted, {}, t(2))],
    ["finish a queued job", () => markFinished(accepted, "x", t(2))],
    ["dismiss a finished job", () => markDismissed(markFailed(running, "x", t(2)), t(3))],
    ["fail a dismissed job", () => markFailed(markDismissed(running, t(2)), "x", t(3))],
    ["run a dismissed job", () => markRunning(markDismissed(accepted, t(2)), t(3))],
  ])("refuses to %s", (_what, transition) => {
    expect(transition).toThrow(InvalidTransitionError);
  });

  it("refuses to update a scene the job does not have", () => {
    expect(() => updateScene(running, "C", { status: "failed" }, t(2))).toThrow(/has no scene C/);
  });
});
