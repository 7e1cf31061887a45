import { identifyScene } from "../imagery/identify-scene.js";
import type { JobStore } from "./job-store.js";
import { removeSceneOutputs } from "./scene-outputs.js";
import type { TaskDocument } from "./task-document.js";

// A task given up after its retries: its worker died every time before it could end the task. The API writes
// the task's end in its stead (no worker runs it any more) and removes what the dead attempt half made, so
// nothing of it is published.

export interface AbandonedTask {
  readonly index: number;
  readonly attempt: number;
  /** The scene as requested ("echo" for an echo job's task). */
  readonly id: string;
  readonly reason: string;
  /** The task's document as the dead worker left it, if it wrote one. */
  readonly task: TaskDocument | undefined;
  readonly now: Date;
}

export async function abandonTask(store: JobStore, jobId: string, abandoned: AbandonedTask): Promise<void> {
  const { index, attempt, id, reason, task, now } = abandoned;
  const at = now.toISOString();
  await removeOutputsOf(store, jobId, id);
  await store.writeTask(jobId, {
    index,
    attempt,
    status: "failed",
    message: `Worker stopped before finishing: ${reason}`,
    outputs: [],
    percent: 100,
    started: task?.started ?? at,
    updated: at,
    finished: at,
    log: {
      // What the dead attempt staged is still true (the scene was found and copied); its processing is not.
      staging: task?.attempt === attempt ? task.log.staging : [],
      processing: [`Image: ${id} FAILED: worker stopped before finishing (${reason})`],
    },
  });
}

/** The scene's half-written outputs and metadata (an echo job's task has none). */
async function removeOutputsOf(store: JobStore, jobId: string, requested: string): Promise<void> {
  let sceneId: string;
  try {
    sceneId = identifyScene(requested).scene.id;
  } catch {
    return;
  }
  await removeSceneOutputs(store.layout(jobId), sceneId);
}
