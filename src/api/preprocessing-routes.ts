import express, { type Router } from "express";
import { toFieldIssues } from "../common/zod-issues.js";
import type { JobService } from "../jobs/job-service.js";
import { principalOf, requireApiKey, type Authentication } from "./authentication.js";
import { idempotencyOf } from "./idempotency-key.js";
import { jobOf } from "./job-of.js";
import { JOBS_PATH, type LinksOf } from "./links/service-links.js";
import { DocumentedRouter } from "./openapi/documented-router.js";
import {
  ERRORS,
  IDEMPOTENCY_KEY_HEADER,
  JOB_ID,
  SECURED,
  jsonResponse,
  problemResponse,
  queryParameters,
  ref,
} from "./openapi/operation-parts.js";
import { ListQuerySchema, preprocessingRequestSchema, type RequestLimits } from "./preprocessing-request.js";
import { HttpProblem, ValidationProblem } from "./problems.js";
import { requireJson } from "./require-json.js";

// The seed's endpoint and the job API around it, each route with its OpenAPI description.

export interface PreprocessingRoutesDeps {
  readonly jobs: JobService;
  readonly authentication: Authentication;
  readonly limits: RequestLimits;
  readonly linksOf: LinksOf;
  /** Largest accepted JSON body. */
  readonly bodyLimit?: string;
}

const SEED_EXAMPLE = {
  imagery_list: ["LC08_L1TP_015028_20200814_20200822_01_T1"],
  resolution: 10,
  cores: 2,
  delete_intermediate: false,
};

export function preprocessingRoutes(deps: PreprocessingRoutesDeps): DocumentedRouter {
  const api = new DocumentedRouter("Jobs");
  const requestSchema = preprocessingRequestSchema(deps.limits);
  const jsonBody = express.json({ limit: deps.bodyLimit ?? "64kb", strict: true });

  // Every job endpoint needs an API key (unless authentication is switched off).
  api.router.use(JOBS_PATH, requireApiKey(deps.authentication));

  api.post(
    JOBS_PATH,
    {
      summary: "Submit a preprocessing job",
      security: SECURED,
      parameters: [IDEMPOTENCY_KEY_HEADER],
      requestBody: {
        required: true,
        content: { "application/json": { schema: ref("PreprocessingRequest"), example: SEED_EXAMPLE } },
      },
      responses: {
        "202": jsonResponse("StatusDocument", "Accepted: the job's status document; Location names it"),
        "200": jsonResponse("StatusDocument", "A repeat of an Idempotency-Key request: the job it created"),
        ...ERRORS,
        "413": problemResponse("Body over 64 KB"),
        "415": problemResponse("Not a JSON body"),
        "422": problemResponse("Idempotency-Key reused with another body"),
        "429": problemResponse("Queue full; see Retry-After"),
      },
    },
    requireJson("the job"),
    jsonBody,
    async (req, res) => {
      const idempotency = idempotencyOf(req, req.body);
      const parsed = requestSchema.safeParse(req.body);
      if (!parsed.success) throw new ValidationProblem(toFieldIssues(parsed.error));
      const { status, replayed } = await deps.jobs.submit(parsed.data, {
        owner: principalOf(res).owner,
        idempotency,
      });
      const links = deps.linksOf(req);
      res.locals["jobId"] = status.jobID;
      if (replayed) res.setHeader("Idempotent-Replayed", "true");
      res.status(replayed ? 200 : 202).location(links.job(status.jobID));
      if (req.accepts(["application/json", "text/plain"]) === "text/plain") {
        res.type("text/plain").send(status.jobID);
      } else {
        res.json(links.statusView(status));
      }
    },
  );

  api.get(
    JOBS_PATH,
    {
      summary: "List jobs, newest first",
      security: SECURED,
      parameters: queryParameters(ListQuerySchema),
      responses: { "200": jsonResponse("JobList", "A page of jobs, with a next link"), ...ERRORS },
    },
    async (req, res) => {
      const query = ListQuerySchema.safeParse(req.query);
      if (!query.success) throw new ValidationProblem(toFieldIssues(query.error), "query");
      const { status, limit, cursor } = query.data;
      const principal = principalOf(res);
      const page = await deps.jobs.list({
        status,
        limit,
        after: cursor,
        owner: principal.admin ? undefined : principal.owner,
        // OGC echo jobs share the store; this endpoint lists the service's own jobs.
        filter: (doc) => doc.processID === "preprocessing",
      });
      const links = deps.linksOf(req);
      const params = new URLSearchParams({ limit: String(limit) });
      if (status !== undefined) params.set("status", status);
      res.json({
        jobs: page.jobs.map((doc) => links.statusView(doc)),
        links: links.page(JOBS_PATH, params, cursor, page.next),
      });
    },
  );

  api.get(
    `${JOBS_PATH}/:jobId`,
    {
      summary: "A job's status document",
      security: SECURED,
      parameters: [JOB_ID],
      responses: { "200": jsonResponse("StatusDocument", "The status document"), ...ERRORS },
    },
    async (req, res) => {
      res.json(deps.linksOf(req).statusView(await jobOf(deps.jobs, req, res, "preprocessing")));
    },
  );

  api.delete(
    `${JOBS_PATH}/:jobId`,
    {
      summary: "Cancel a queued or running job",
      security: SECURED,
      parameters: [JOB_ID],
      responses: {
        "200": jsonResponse("StatusDocument", "Dismissed"),
        ...ERRORS,
        "409": problemResponse("The job has already ended"),
      },
    },
    async (req, res) => {
      const { jobID } = await jobOf(deps.jobs, req, res, "preprocessing");
      res.json(deps.linksOf(req).statusView(await deps.jobs.cancel(jobID)));
    },
  );

  api.get(
    `${JOBS_PATH}/:jobId/log`,
    {
      summary: "The job's job_log.txt",
      security: SECURED,
      parameters: [JOB_ID],
      responses: { "200": { description: "Log lines", content: { "text/plain": {} } }, ...ERRORS },
    },
    async (req, res) => {
      const { jobID } = await jobOf(deps.jobs, req, res, "preprocessing");
      res.type("text/plain").send(await deps.jobs.readLog(jobID));
    },
  );

  methodNotAllowed(api.router);
  return api;
}

/** A known path with a method it does not serve: 405 with the methods it does. */
function methodNotAllowed(router: Router): void {
  for (const [route, allow] of [
    [JOBS_PATH, "GET, POST"],
    [`${JOBS_PATH}/:jobId`, "GET, DELETE"],
    [`${JOBS_PATH}/:jobId/log`, "GET"],
  ] as const) {
    router.all(route, (req, res) => {
      res.setHeader("Allow", allow);
      throw new HttpProblem(405, "Method Not Allowed", `${req.method} is not served here; use ${allow}.`);
    });
  }
}
