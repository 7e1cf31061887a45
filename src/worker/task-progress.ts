import type { TaskDocument } from "../jobs/task-document.js";
import type { StatusReporter } from "./status-reporter.js";
import { endTask, logTask, progressTask, type TaskEnd } from "./task-transitions.js";

// What a task's steps tell its document: the scene's message, a unit of work done (staging, archiving, each
// band), its job_log.txt lines, its end. Each resolves once the document is on disk.

export class TaskProgress {
  readonly #reporter: StatusReporter<TaskDocument>;
  readonly #units: number;
  #done = 0;

  /** units: the task's work in steps, which its percent counts. */
  constructor(reporter: StatusReporter<TaskDocument>, units: number) {
    this.#reporter = reporter;
    this.#units = Math.max(1, units);
  }

  message(message: string): Promise<void> {
    return this.#reporter.update((doc, now) => progressTask(doc, { message }, now));
  }

  advance(units: number): Promise<void> {
    this.#done += units;
    const percent = (100 * this.#done) / this.#units;
    return this.#reporter.update((doc, now) => progressTask(doc, { percent }, now));
  }

  log(part: keyof TaskDocument["log"], ...lines: string[]): Promise<void> {
    return this.#reporter.update((doc, now) => logTask(doc, part, lines, now));
  }

  end(end: TaskEnd): Promise<void> {
    return this.#reporter.update((doc, now) => endTask(doc, end, now));
  }
}
