import path from "node:path";
import gdal from "gdal-async";
import { z } from "zod";
import { errorMessage } from "../common/errors.js";
import { CorruptJobError, isJobId, JobNotFoundError } from "../jobs/job-store.js";
import { createLogger } from "../logging/create-logger.js";
import { runJob } from "./run-job.js";

// Worker entry point: `node dist/worker/main.js <job directory>` runs that job; `--check` reports whether GDAL
// loads, for the API's readiness probe.

const ArgsSchema = z.union([
  z.tuple([z.literal("--check")], z.string()),
  z.tuple([
    z
      .string()
      .refine(
        (dir) => isJobId(path.basename(path.resolve(dir))),
        "must be a job directory named by its job id",
      ),
  ]),
]);

async function main(argv: readonly string[]): Promise<number> {
  const logger = createLogger({ name: "worker", consoleLevel: "info" });
  const args = ArgsSchema.safeParse(argv);
  if (!args.success) {
    logger.fatal({ argv }, "usage: worker <job directory> | worker --check [projection]");
    return 2;
  }
  const [arg, projection] = args.data;
  if (arg === "--check") {
    const report = projection === undefined ? {} : { projection: checkProjection(projection) };
    process.stdout.write(`${JSON.stringify({ gdal: gdal.version, ...report })}\n`);
    return 0;
  }
  const outcome = await runJob(path.resolve(arg), { logger });
  logger.flush();
  return outcome === "failed" ? 1 : 0;
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

// Cancelling a job stops its worker with SIGTERM. As a container's first process (a Kubernetes Job) Node would
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
