import express, { Router, type Request } from "express";
import { toFieldIssues } from "../common/zod-issues.js";
import type { JobService } from "../jobs/job-service.js";
import { isJobId, JobNotFoundError } from "../jobs/job-store.js";
import { HttpProblem, ValidationProblem } from "./problems.js";
import { ListQuerySchema, preprocessingRequestSchema, type RequestLimits } from "./preprocessing-request.js";
import { baseUrl, jobUrl, JOBS_PATH, statusView } from "./status-view.js";

// The seed's endpoint and the job API around it.

export interface PreprocessingRoutesDeps {
  readonly jobs: JobService;
  readonly limits: RequestLimits;
  /** Largest accepted JSON body. */
  readonly bodyLimit?: string;
}

export function preprocessingRoutes(deps: PreprocessingRoutesDeps): Router {
  const router = Router();
  const requestSchema = preprocessingRequestSchema(deps.limits);
  const jsonBody = express.json({ limit: deps.bodyLimit ?? "64kb", strict: true });

  const jobIdOf = (req: Request): string => {
    const jobId = String(req.params["jobId"]);
    if (!isJobId(jobId)) throw new JobNotFoundError(jobId);
    return jobId;
  };

  router.post(
    JOBS_PATH,
    (req, _res, next) => {
      if (req.is("application/json") === false || req.is("application/json") === null) {
        throw new HttpProblem(
          415,
          "Unsupported Media Type",
          "Send the job as a JSON body (Content-Type: application/json).",
        );
      }
      next();
    },
    jsonBody,
    async (req, res) => {
      const parsed = requestSchema.safeParse(req.body);
      if (!parsed.success) throw new ValidationProblem(toFieldIssues(parsed.error));
      const status = await deps.jobs.submit(parsed.data);
      res.locals["jobId"] = status.jobID;
      res.status(202).location(jobUrl(req, status.jobID));
      if (req.accepts(["application/json", "text/plain"]) === "text/plain") {
        res.type("text/plain").send(status.jobID);
      } else {
        res.json(statusView(req, status));
      }
    },
  );

  router.get(JOBS_PATH, async (req, res) => {
    const query = ListQuerySchema.safeParse(req.query);
    if (!query.success) throw new ValidationProblem(toFieldIssues(query.error), "query");
    const { status, limit, cursor } = query.data;
    const page = await deps.jobs.list({ status, limit, after: cursor });
    const pageUrl = (after?: string): string => {
      const params = new URLSearchParams({ limit: String(limit) });
      if (status !== undefined) params.set("status", status);
      if (after !== undefined) params.set("cursor", after);
      return `${baseUrl(req)}${JOBS_PATH}?${params.toString()}`;
    };
    res.json({
      jobs: page.jobs.map((doc) => statusView(req, doc)),
      links: [
        { href: pageUrl(cursor), rel: "self", type: "application/json" },
        ...(page.next === undefined
          ? []
          : [{ href: pageUrl(page.next), rel: "next", type: "application/json" }]),
      ],
    });
  });

  router.get(`${JOBS_PATH}/:jobId`, async (req, res) => {
    const jobId = jobIdOf(req);
    res.locals["jobId"] = jobId;
    res.json(statusView(req, await deps.jobs.get(jobId)));
  });

  router.get(`${JOBS_PATH}/:jobId/log`, async (req, res) => {
    const jobId = jobIdOf(req);
    res.locals["jobId"] = jobId;
    res.type("text/plain").send(await deps.jobs.readLog(jobId));
  });

  router.delete(`${JOBS_PATH}/:jobId`, async (req, res) => {
    const jobId = jobIdOf(req);
    res.locals["jobId"] = jobId;
    res.json(statusView(req, await deps.jobs.cancel(jobId)));
  });

  // A known path with a method it does not serve: 405 with the methods it does.
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

  return router;
}
