// Why a submission is refused before any job is created; the API turns each into its HTTP answer.

/**
 * More jobs are waiting than the service allows: MAX_QUEUED_JOBS in all, or, when owner is set, that owner's
 * MAX_QUEUED_JOBS_PER_OWNER.
 */
export class QueueFullError extends Error {
  override readonly name = "QueueFullError";
  constructor(
    readonly queued: number,
    readonly owner?: string,
  ) {
    super(
      owner === undefined
        ? `${queued} jobs are already waiting to start`
        : `${queued} jobs of ${owner} are already waiting to start, the most one owner may queue`,
    );
  }
}

/** An Idempotency-Key that was first used with a different request. */
export class IdempotencyConflictError extends Error {
  override readonly name = "IdempotencyConflictError";
  constructor(
    readonly key: string,
    readonly jobId: string,
  ) {
    super(`Idempotency-Key ${key} was used for a different request (job ${jobId})`);
  }
}
