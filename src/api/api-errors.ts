// What a client asked for that does not exist or cannot be given, raised by the handlers of either API; the
// error mapper (error-mapper.ts) decides the answer to each, and the OGC facade names its exception type.

/** No process of that id (OGC API - Processes). */
export class ProcessNotFoundError extends Error {
  override readonly name = "ProcessNotFoundError";
  constructor(readonly processId: string) {
    super(`There is no process ${processId}.`);
  }
}

/** The job has not ended yet, so it has no results. */
export class ResultsNotReadyError extends Error {
  override readonly name = "ResultsNotReadyError";
  constructor(
    readonly jobId: string,
    readonly status: string,
  ) {
    super(`Job ${jobId} is still ${status}.`);
  }
}

/** The job failed: its results are its exception (a documented answer, not a fault of the service). */
export class JobFailedError extends Error {
  override readonly name = "JobFailedError";
  constructor(
    readonly jobId: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The job was dismissed: it has no results. */
export class JobDismissedError extends Error {
  override readonly name = "JobDismissedError";
  constructor(readonly jobId: string) {
    super(`Job ${jobId} was dismissed; it has no results.`);
  }
}

/** Not one of the job's published outputs (or not a file inside its published folder). */
export class OutputNotFoundError extends Error {
  override readonly name = "OutputNotFoundError";
  constructor(
    readonly jobId: string,
    readonly file: string,
  ) {
    super(`Job ${jobId} has no output ${file}.`);
  }
}
