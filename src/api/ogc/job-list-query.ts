import { z } from "zod";
import { JobStateSchema } from "../../jobs/status-document.js";

// The OGC job list's query (/req/job-list): its zod schema validates the query and describes it in the OpenAPI
// document, and the validated query is written back the same way into the pages' links.

/** A page size, 1 to `max`. */
export const LimitSchema = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** A list parameter, repeated or comma-separated (?status=a,b or ?status=a&status=b). */
const ManySchema = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(","))),
    z.array(item).optional(),
  );

export const JobListQuerySchema = z.strictObject({
  type: ManySchema(z.literal("process")),
  processID: ManySchema(z.enum(["preprocessing", "echo"])),
  status: ManySchema(JobStateSchema),
  datetime: z.string().max(100).optional(),
  minDuration: z.coerce.number().min(0).optional(),
  maxDuration: z.coerce.number().min(0).optional(),
  limit: LimitSchema(10_000, 10),
  cursor: z.uuid("must be a job id from a previous page's next link").optional(),
});
export type JobListQuery = z.infer<typeof JobListQuerySchema>;

/** The validated filters and limit, written back as they came (lists comma-separated), without the cursor. */
export function jobListParams(query: JobListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["type", "processID", "status"] as const) {
    if (query[key] !== undefined) params.set(key, query[key].join(","));
  }
  if (query.datetime !== undefined) params.set("datetime", query.datetime);
  if (query.minDuration !== undefined) params.set("minDuration", String(query.minDuration));
  if (query.maxDuration !== undefined) params.set("maxDuration", String(query.maxDuration));
  params.set("limit", String(query.limit));
  return params;
}
