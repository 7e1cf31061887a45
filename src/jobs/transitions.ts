import { type JobState, type SceneEntry, type StatusDocument } from "./status-document.js";

// Every change to a status document goes through one of these pure functions, one per transition.

/** A transition the job's current state does not allow (e.g. cancelling a finished job). */
export class InvalidTransitionError extends Error {
  override readonly name = "InvalidTransitionError";
  constructor(
    readonly from: JobState,
    readonly to: string,
  ) {
    super(`a ${from} job cannot become ${to}`);
  }
}

function requireState(doc: StatusDocument, allowed: readonly JobState[], to: string): void {
  if (!allowed.includes(doc.status)) throw new InvalidTransitionError(doc.status, to);
}

export function createAccepted(
  jobID: string,
  sceneIds: readonly string[],
  now: Date,
  processID: StatusDocument["processID"] = "preprocessing",
): StatusDocument {
  const at = now.toISOString();
  return {
    jobID,
    processID,
    type: "process",
    status: "accepted",
    message: "Queued",
    progress: 0,
    created: at,
    updated: at,
    scenes: sceneIds.map((id) => ({ id, status: "pending", message: "Waiting", outputs: [] })),
  };
}

export function markRunning(doc: StatusDocument, now: Date): StatusDocument {
  requireState(doc, ["accepted"], "running");
  const at = now.toISOString();
  return { ...doc, status: "running", message: "Started", started: at, updated: at };
}

/** The worker's heartbeat and progress: only a running job makes progress. */
export function markProgress(
  doc: StatusDocument,
  progress: { message?: string; percent?: number },
  now: Date,
): StatusDocument {
  requireState(doc, ["running"], "running");
  return {
    ...doc,
    message: progress.message ?? doc.message,
    progress: progress.percent === undefined ? doc.progress : clampPercent(progress.percent),
    updated: now.toISOString(),
  };
}

export function updateScene(
  doc: StatusDocument,
  sceneId: string,
  change: Partial<Omit<SceneEntry, "id">>,
  now: Date,
): StatusDocument {
  requireState(doc, ["running"], "running");
  if (!doc.scenes.some((s) => s.id === sceneId)) throw new Error(`job ${doc.jobID} has no scene ${sceneId}`);
  return {
    ...doc,
    scenes: doc.scenes.map((s) => (s.id === sceneId ? { ...s, ...change } : s)),
    updated: now.toISOString(),
  };
}

/**
 * Ends a running job: successful when no scene failed (scenes outside the area of interest are skipped, not
 * failed), failed (with the rest published) otherwise.
 */
export function markFinished(doc: StatusDocument, outputDir: string | undefined, now: Date): StatusDocument {
  requireState(doc, ["running"], "finished");
  const failed = doc.scenes.filter((s) => s.status !== "successful" && s.status !== "skipped");
  const skipped = doc.scenes.filter((s) => s.status === "skipped");
  const processed = doc.scenes.length - failed.length - skipped.length;
  const parts = [doc.processID === "echo" ? "Echoed" : `Processed ${processed} scene(s)`];
  if (skipped.length > 0)
    parts.push(`${skipped.length} outside the area of interest: ${skipped.map((s) => s.id).join(", ")}`);
  const at = now.toISOString();
  return {
    ...doc,
    status: failed.length === 0 ? "successful" : "failed",
    message:
      failed.length === 0
        ? parts.join("; ")
        : `${failed.length} of ${doc.scenes.length} scene(s) failed: ${failed.map((s) => s.id).join(", ")}`,
    progress: 100,
    ...(outputDir === undefined ? {} : { outputDir }),
    finished: at,
    updated: at,
  };
}

/** The job as a whole could not go on (worker died, timed out, could not publish...). */
export function markFailed(doc: StatusDocument, reason: string, now: Date): StatusDocument {
  requireState(doc, ["accepted", "running"], "failed");
  const at = now.toISOString();
  return {
    ...doc,
    status: "failed",
    message: reason,
    scenes: doc.scenes.map((s) =>
      s.status === "pending" || s.status === "running" ? { ...s, status: "failed", message: reason } : s,
    ),
    finished: at,
    updated: at,
  };
}

export function markDismissed(doc: StatusDocument, now: Date): StatusDocument {
  requireState(doc, ["accepted", "running"], "dismissed");
  const at = now.toISOString();
  return {
    ...doc,
    status: "dismissed",
    message: "Cancelled by request",
    scenes: doc.scenes.map((s) =>
      s.status === "successful" || s.status === "failed"
        ? s
        : { ...s, status: "failed", message: "Cancelled" },
    ),
    finished: at,
    updated: at,
  };
}

function clampPercent(value: number): number {
  return Math.max(0, Math.min(100, Math.round(value)));
}
