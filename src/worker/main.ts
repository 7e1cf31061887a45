import path from "node:path";
import { parseArgs } from "node:util";
import gdal from "gdal-async";
import { z } from "zod";
import { errorMessage } from "../common/errors.js";
import { toFieldIssues } from "../common/zod-issues.js";
import { CorruptJobError, isJobId, JobNotFoundError } from "../jobs/job-store.js";
import { createLogger } from "../logging/create-logger.js";
import { runTask } from "./run-task.js";

// Worker entry point: `node dist/worker/main.js <job directory> --task <i> --attempt <n> --threads <t>` runs one
// task of that job (executors/executor.ts builds these arguments); `--check [projection]` reports whether GDAL
// loads, for the API's readiness probe. Exit codes: 0 the task's outcome is recorded (whatever it was), 1 it
// could not be (the API treats the worker as dead), 2 the arguments are wrong.

const USAGE =
  "usage: worker <job directory> --task <index> --attempt <n> --threads <count> | worker --check [projection]";

const count = (min: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(1_000_000, "must be at most 1000000"));

const TaskArgsSchema = z.strictObject({
  jobDir: z
    .string()
    .refine(
      (dir) => isJobId(path.basename(path.resolve(dir))),
      "must be a job directory named by its job id",
    ),
  task: count(0),
  attempt: count(1),
  threads: count(1),
});

type Args = { readonly check: true; readonly projection?: string } | z.infer<typeof TaskArgsSchema>;

/** The parsed arguments, or what is wrong with them. */
function parseArguments(argv: readonly string[]): Args | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        check: { type: "boolean" },
        task: { type: "string" },
        attempt: { type: "string" },
        threads: { type: "string" },
      },
    });
  } catch (error) {
    return errorMessage(error);
  }
  const { values, positionals } = parsed;
  if (values.check === true) {
    if (positionals.length > 1 || values.task !== undefined) return "--check takes at most a projection";
    return positionals[0] === undefined ? { check: true } : { check: true, projection: positionals[0] };
  }
  if (positionals.length !== 1) return "expected one job directory";
  const args = TaskArgsSchema.safeParse({ jobDir: positionals[0], ...values });
  if (args.success) return args.data;
  return toFieldIssues(args.error)
    .map((issue) => `${issue.field === "jobDir" ? "job directory" : `--${issue.field}`} ${issue.message}`)
    .join("; ");
}

async function main(argv: readonly string[]): Promise<number> {
  const logger = createLogger({ name: "worker", consoleLevel: "info" });
  const args = parseArguments(argv);
  if (typeof args === "string") {
    logger.fatal({ argv, problem: args }, USAGE);
    process.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  if ("check" in args) {
    const report = args.projection === undefined ? {} : { projection: checkProjection(args.projection) };
    process.stdout.write(`${JSON.stringify({ gdal: gdal.version, ...report })}\n`);
    return 0;
  }
  const outcome = await runTask(path.resolve(args.jobDir), args.task, {
    attempt: args.attempt,
    threads: args.threads,
    logger,
  });
  logger.info({ task: args.task, attempt: args.attempt, outcome }, "task ended");
  logger.flush();
  return 0;
}

function checkProjection(projection: string): { ok: boolean; detail: string } {
  try {
    const srs = gdal.SpatialReference.fromUserInput(projection);
    if (!srs.isProjected()) return { ok: false, detail: "is not a projected coordinate system" };
    return { ok: true, detail: srs.toProj4() };
  } catch (error) {
    return { ok: false, detail: `GDAL cannot read it: ${errorMessage(error)}` };
  }
}

// Cancelling a job stops its workers with SIGTERM. As a container's first process (a Kubernetes Job) Node would
// ignore it, so exit explicitly; the API records the job as dismissed. 143 = 128 + SIGTERM.
process.once("SIGTERM", () => process.exit(143));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A job directory that is not there or not readable is said in one line; anything else is a bug: its stack.
    const known = error instanceof JobNotFoundError || error instanceof CorruptJobError;
    const text = known || !(error instanceof Error) ? errorMessage(error) : (error.stack ?? error.message);
    process.stderr.write(`worker failed: ${text}\n`);
    process.exitCode = 1;
  },
);
