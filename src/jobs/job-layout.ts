import path from "node:path";
import type { WorkerLogFiles } from "../executors/executor.js";

// The names of the files in a job's directory, owned by the job store: everything else (the worker, the
// executors, publishing) asks a layout for paths. A job's published folder keeps the same layout for what it
// holds (output/, job_log.txt, job.json), so a layout of the published folder finds those too.

const FILES = {
  spec: "job.json",
  status: "status.json",
  log: "job_log.txt",
  worker: "worker.json",
  imagery: "imagery",
  output: "output",
  /** Scratch files of the pipeline's prepare steps (radar calibration), removed scene by scene. */
  scratch: "scratch",
  /** The job's tasks: <index>.json (the task's document), <index>.runs.json (its attempts), its workers' logs. */
  tasks: "tasks",
  /** An echo job's outputs. */
  results: "results.json",
  /** What the worker measured (scene durations, bytes written), for the API's metrics. */
  figures: "figures.json",
  workerStdout: "worker.stdout.log",
  workerStderr: "worker.stderr.log",
  workerLog: "worker.log",
} as const;

/** The paths inside one job directory (or its published folder). */
export class JobLayout {
  constructor(readonly dir: string) {}

  get spec(): string {
    return this.#file("spec");
  }
  get status(): string {
    return this.#file("status");
  }
  get log(): string {
    return this.#file("log");
  }
  get worker(): string {
    return this.#file("worker");
  }
  /** Staged scene copies and their archives. */
  get imagery(): string {
    return this.#file("imagery");
  }
  /** Scratch files of the pipeline (radar: calibrated, filtered bands before their warp). */
  get scratch(): string {
    return this.#file("scratch");
  }
  /** The outputs' working copy: preprocess/ and metadata/ under it. */
  get output(): string {
    return this.#file("output");
  }
  get preprocess(): string {
    return path.join(this.output, "preprocess");
  }
  get metadata(): string {
    return path.join(this.output, "metadata");
  }
  get results(): string {
    return this.#file("results");
  }
  get figures(): string {
    return this.#file("figures");
  }

  /** Where the executor writes the worker's own output. */
  get workerLogs(): WorkerLogFiles {
    return {
      stdout: this.#file("workerStdout"),
      stderr: this.#file("workerStderr"),
      combined: this.#file("workerLog"),
    };
  }

  get tasks(): string {
    return this.#file("tasks");
  }
  /** A task's document, written by the worker that runs it. */
  task(index: number): string {
    return path.join(this.tasks, `${index}.json`);
  }
  /** A task's attempts, written by the API that leads. */
  taskRuns(index: number): string {
    return path.join(this.tasks, `${index}.runs.json`);
  }
  /** Where the executor writes one attempt's worker output: tasks/<index>.<attempt>.worker.{stdout,stderr,}.log. */
  taskWorkerLogs(index: number, attempt: number): WorkerLogFiles {
    const base = path.join(this.tasks, `${index}.${attempt}.worker`);
    return { stdout: `${base}.stdout.log`, stderr: `${base}.stderr.log`, combined: `${base}.log` };
  }

  /** What publishing copies, each to the same name in the published folder: outputs, job_log.txt, job.json. */
  get published(): readonly string[] {
    return [this.output, this.log, this.spec];
  }

  /** A path inside the job as clients read it: relative, and the same in the published folder. */
  relative(file: string): string {
    return path.relative(this.dir, file);
  }

  #file(name: keyof typeof FILES): string {
    return path.join(this.dir, FILES[name]);
  }
}
