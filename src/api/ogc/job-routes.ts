import path from "node:path";
import { toFieldIssues } from "../../common/zod-issues.js";
import {
  JobDismissedError,
  JobFailedError,
  OutputNotFoundError,
  ResultsNotReadyError,
} from "../api-errors.js";
import { principalOf, requireApiKey } from "../authentication.js";
import { jobOf } from "../job-of.js";
import { DocumentedRouter } from "../openapi/documented-router.js";
import {
  ERRORS,
  JOB_ID,
  SECURED,
  jsonResponse,
  problemResponse,
  queryParameters,
} from "../openapi/operation-parts.js";
import { ValidationProblem } from "../problems.js";
import { jobFilter } from "./job-filter.js";
import { JobListQuerySchema, jobListParams } from "./job-list-query.js";
import { OGC_TAG, type OgcDeps } from "./ogc-deps.js";
import { resultLinks } from "./result-links.js";
import { sendOutput } from "./send-output.js";

// The facade's jobs (/req/job-list, /req/core/job, /req/core/job-results, /req/dismiss) and the published files
// their results link to. Every one of them needs an API key.

export function jobRoutes(deps: OgcDeps): DocumentedRouter {
  const api = new DocumentedRouter(OGC_TAG);
  const base = deps.basePath;
  const needKey = requireApiKey(deps.authentication);

  api.get(
    `${base}/jobs`,
    {
      summary: "Jobs, filtered",
      security: SECURED,
      parameters: queryParameters(JobListQuerySchema),
      responses: { "200": jsonResponse("JobList", "statusInfo of each job, with next links"), ...ERRORS },
    },
    needKey,
    async (req, res) => {
      const query = JobListQuerySchema.safeParse(req.query);
      if (!query.success) throw new ValidationProblem(toFieldIssues(query.error), "query");
      const principal = principalOf(res);
      const page = await deps.jobs.list({
        limit: query.data.limit,
        after: query.data.cursor,
        owner: principal.admin ? undefined : principal.owner,
        filter: jobFilter(query.data, Date.now()),
      });
      const links = deps.linksOf(req);
      res.json({
        jobs: page.jobs.map((doc) => links.statusInfo(doc)),
        links: links.page(`${base}/jobs`, jobListParams(query.data), query.data.cursor, page.next),
      });
    },
  );

  api.get(
    `${base}/jobs/:jobId`,
    {
      summary: "statusInfo",
      security: SECURED,
      parameters: [JOB_ID],
      responses: { "200": jsonResponse("StatusDocument", "statusInfo"), ...ERRORS },
    },
    needKey,
    async (req, res) => {
      res.json(deps.linksOf(req).statusInfo(await jobOf(deps.jobs, req, res)));
    },
  );

  api.delete(
    `${base}/jobs/:jobId`,
    {
      summary: "Dismiss: stop the job",
      security: SECURED,
      parameters: [JOB_ID],
      responses: {
        "200": jsonResponse("StatusDocument", "Dismissed"),
        ...ERRORS,
        "409": problemResponse("Already ended"),
      },
    },
    needKey,
    async (req, res) => {
      const { jobID } = await jobOf(deps.jobs, req, res);
      res.json(deps.linksOf(req).statusInfo(await deps.jobs.cancel(jobID)));
    },
  );

  api.get(
    `${base}/jobs/:jobId/results`,
    {
      summary: "Results: each output as {href, type}",
      security: SECURED,
      parameters: [JOB_ID],
      responses: {
        "200": { description: "Results" },
        ...ERRORS,
        "500": problemResponse("The job failed: its exception"),
      },
    },
    needKey,
    async (req, res) => {
      const doc = await jobOf(deps.jobs, req, res);
      if (doc.status === "accepted" || doc.status === "running")
        throw new ResultsNotReadyError(doc.jobID, doc.status);
      if (doc.status === "failed") throw new JobFailedError(doc.jobID, doc.message);
      if (doc.status === "dismissed") throw new JobDismissedError(doc.jobID);
      if (doc.processID === "echo") {
        res.json(JSON.parse(await deps.jobs.readResults(doc.jobID)) as unknown);
        return;
      }
      res.json(resultLinks(doc, deps.linksOf(req)));
    },
  );

  api.get(
    `${base}/jobs/:jobId/outputs/*file`,
    {
      summary: "A published output file of the job",
      security: SECURED,
      parameters: [JOB_ID, { name: "file", in: "path", required: true, schema: { type: "string" } }],
      responses: { "200": { description: "The file" }, ...ERRORS },
    },
    needKey,
    async (req, res) => {
      const doc = await jobOf(deps.jobs, req, res);
      const file = ([] as string[]).concat((req.params as { file?: string | string[] }).file ?? []).join("/");
      if (doc.outputDir === undefined || !doc.scenes.some((s) => s.outputs.includes(file))) {
        throw new OutputNotFoundError(doc.jobID, file);
      }
      await sendOutput(res, doc.jobID, path.join(deps.imageryStorage, doc.outputDir), file);
    },
  );

  return api;
}
