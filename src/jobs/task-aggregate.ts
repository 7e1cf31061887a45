import type { SceneEntry, StatusDocument } from "./status-document.js";
import { isTaskEnded, type TaskDocument, type TaskRuns } from "./task-document.js";

// While a job runs, status.json holds what the API wrote when it started the job; the scenes, progress and
// heartbeat are in its tasks' documents. Readers get the two put together here, the same way on every replica.

/** How many tasks a job runs: one per scene, or the echo process's one. */
export function taskCount(doc: StatusDocument): number {
  return doc.processID === "echo" ? 1 : doc.scenes.length;
}

/**
 * The task document that speaks for the task's latest attempt; undefined when that attempt has not written one
 * yet. A document left by an attempt whose worker died before ending it says nothing of the task any more.
 */
export function currentTask(
  task: TaskDocument | undefined,
  runs: TaskRuns | undefined,
): TaskDocument | undefined {
  if (task === undefined) return undefined;
  const latest = Math.max(0, ...(runs?.attempts.map((a) => a.attempt) ?? []));
  if (task.attempt < latest) return undefined;
  const died = runs?.attempts.some((a) => a.attempt === task.attempt && a.ended !== undefined) ?? false;
  return died && !isTaskEnded(task) ? undefined : task;
}

/** Why the task waits for another attempt: the reason its last retried attempt ended, unless a newer one wrote. */
function retryReason(task: TaskDocument | undefined, runs: TaskRuns | undefined): string | undefined {
  const retried = runs?.attempts.filter((a) => a.ended?.retried === true) ?? [];
  const last = retried.at(-1);
  if (last === undefined || (task !== undefined && task.attempt > last.attempt)) return undefined;
  return last.ended?.reason;
}

interface TaskView {
  readonly scene: Omit<SceneEntry, "id">;
  readonly percent: number;
  readonly ended: boolean;
  readonly running: boolean;
}

function viewOf(task: TaskDocument | undefined, runs: TaskRuns | undefined): TaskView {
  const current = currentTask(task, runs);
  if (current === undefined) {
    const reason = retryReason(task, runs);
    const message = reason === undefined ? "Waiting" : `Retrying after: ${reason}`;
    return { scene: { status: "pending", message, outputs: [] }, percent: 0, ended: false, running: false };
  }
  const ended = isTaskEnded(current);
  return {
    scene: { status: current.status, message: current.message, outputs: current.outputs },
    percent: ended ? 100 : current.percent,
    ended,
    running: !ended,
  };
}

/**
 * A running job's status document with its tasks' state: each scene as its task has it, progress the mean of
 * the tasks' (an ended task counts 100), the latest heartbeat. Any other document is returned as it is.
 */
export function aggregateStatus(
  doc: StatusDocument,
  tasks: readonly (TaskDocument | undefined)[],
  runs: readonly (TaskRuns | undefined)[],
): StatusDocument {
  if (doc.status !== "running") return doc;
  // No task has begun: the document says all there is (scenes waiting, the API's message).
  if (!tasks.some((t) => t !== undefined) && !runs.some((r) => r !== undefined)) return doc;
  const count = taskCount(doc);
  const views = Array.from({ length: count }, (_, i) => viewOf(tasks[i], runs[i]));
  const progress = Math.floor(views.reduce((sum, v) => sum + v.percent, 0) / Math.max(1, count));
  const updated = [doc.updated, ...tasks.flatMap((t) => (t === undefined ? [] : [t.updated]))].reduce(
    (latest, at) => (Date.parse(at) > Date.parse(latest) ? at : latest),
  );
  if (doc.processID === "echo") {
    const [echo] = views;
    const message = echo?.running === true ? echo.scene.message : doc.message;
    return { ...doc, message, progress, updated };
  }
  const ended = views.filter((v) => v.ended).length;
  const running = views.filter((v) => v.running).length;
  return {
    ...doc,
    message: `Processing scenes: ${ended} of ${count} ended, ${running} running`,
    progress,
    updated,
    scenes: doc.scenes.map((scene, i) => ({ id: scene.id, ...views[i]!.scene })),
  };
}
