// What the job store throws for a job that is not there or whose files are damaged.

export class JobNotFoundError extends Error {
  override readonly name = "JobNotFoundError";
  constructor(readonly jobId: string) {
    super(`no job ${jobId}`);
  }
}

/** A job file exists but does not hold what it should. */
export class CorruptJobError extends Error {
  override readonly name = "CorruptJobError";
}
