import { setTimeout as sleep } from "node:timers/promises";
import type { JobStore } from "../jobs/job-store.js";
import { MAX_ECHO_PAUSE_SECONDS, type JobSpec } from "../jobs/job-spec.js";
import type { TaskProgress } from "./task-progress.js";

/** The echo process's one task: waits `pause` seconds (heartbeat running), then returns its string as results. */
export async function runEchoTask(
  spec: JobSpec,
  store: JobStore,
  progress: TaskProgress,
): Promise<"successful"> {
  if (spec.echo === undefined) throw new Error("job.json has no echo inputs");
  const { stringInput } = spec.echo;
  // A job accepted before the cap may ask for longer: it gets the cap.
  const pause = Math.min(spec.echo.pause, MAX_ECHO_PAUSE_SECONDS);
  await progress.message(`Pausing ${pause} s`);
  await sleep(pause * 1000);
  await store.writeResults(spec.jobId, { stringOutput: stringInput });
  await progress.end({
    status: "successful",
    message: "Echoed",
    lines: [`Echo: ${stringInput.length} character(s) after ${pause} s`],
  });
  return "successful";
}
