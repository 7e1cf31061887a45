import type { Request, Response } from "express";
import type { JobService } from "../jobs/job-service.js";
import { isJobId, JobNotFoundError } from "../jobs/job-store.js";
import type { ProcessId } from "../jobs/job-spec.js";
import type { StatusDocument } from "../jobs/status-document.js";
import { assertMayAccess, principalOf } from "./authentication.js";

/**
 * The job named in the path (:jobId), once the caller may see it: 404 for an unknown or malformed id (or a job of
 * another process than `process`, when given), then 403 for another client's job. Both APIs read jobs so.
 */
export async function jobOf(
  jobs: JobService,
  req: Request,
  res: Response,
  process?: ProcessId,
): Promise<StatusDocument> {
  const jobId = String(req.params["jobId"]);
  if (!isJobId(jobId)) throw new JobNotFoundError(jobId);
  res.locals["jobId"] = jobId;
  assertMayAccess(principalOf(res), jobId, await jobs.ownerOf(jobId));
  const doc = await jobs.get(jobId);
  if (process !== undefined && doc.processID !== process) throw new JobNotFoundError(jobId);
  return doc;
}
