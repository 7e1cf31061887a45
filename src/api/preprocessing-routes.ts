import express, { Router, type Request, type Response } from "express";
import { toFieldIssues } from "../common/zod-issues.js";
import { requestFingerprint } from "../jobs/idempotency-store.js";
import type { JobService } from "../jobs/job-service.js";
import { assertMayAccess, principalOf, requireApiKey, type Authentication } from "./authentication.js";
import { isJobId, JobNotFoundError } from "../jobs/job-store.js";
import type { StatusDocument } from "../jobs/status-document.js";
import { HttpProblem, ValidationProblem } from "./problems.js";
import { requireJson } from "./require-json.js";
import { ListQuerySchema, preprocessingRequestSchema, type RequestLimits } from "./preprocessing-request.js";
import { baseUrl, jobUrl, JOBS_PATH, statusView } from "./status-view.js";

// The seed's endpoint and the job API around it.

/** Idempotency-Key values: printable ASCII, as the IETF draft and common practice allow. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface PreprocessingRoutesDeps {
  readonly jobs: JobService;
  readonly authentication: Authentication;
  readonly limits: RequestLimits;
  /** Largest accepted JSON body. */
  readonly bodyLimit?: string;
}

export function preprocessingRoutes(deps: PreprocessingRoutesDeps): Router {
  const router = Router();
  const requestSchema = preprocessingRequestSchema(deps.limits);
  const jsonBody = express.json({ limit: deps.bodyLimit ?? "64kb", strict: true });

  /** The job named in the path, once the caller is known to be allowed to see it (404, then 403). */
  const jobOf = async (req: Request, res: Response): Promise<StatusDocument> => {
    const jobId = String(req.params["jobId"]);
    if (!isJobId(jobId)) throw new JobNotFoundError(jobId);
    res.locals["jobId"] = jobId;
    assertMayAccess(principalOf(res), jobId, await deps.jobs.ownerOf(jobId));
    // OGC echo jobs share the store; this endpoint serves the service's own jobs only.
    const doc = await deps.jobs.get(jobId);
    if (doc.processID !== "preprocessing") throw new JobNotFoundError(jobId);
    return doc;
  };

  // Every job endpoint needs an API key (unless authentication is switched off).
  router.use(JOBS_PATH, requireApiKey(deps.authentication));

  router.post(JOBS_PATH, requireJson("the job"), jsonBody, async (req, res) => {
    const key = req.get("idempotency-key");
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationProblem(
        [{ field: "Idempotency-Key", message: "must be 1-255 printable ASCII characters" }],
        "headers",
      );
    }
    const parsed = requestSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationProblem(toFieldIssues(parsed.error));
    const { status, replayed } = await deps.jobs.submit(parsed.data, {
      owner: principalOf(res).owner,
      idempotency: key === undefined ? undefined : { key, fingerprint: requestFingerprint(req.body) },
    });
    res.locals["jobId"] = status.jobID;
    if (replayed) res.setHeader("Idempotent-Replayed", "true");
    res.status(replayed ? 200 : 202).location(jobUrl(req, status.jobID));
    if (req.accepts(["application/json", "text/plain"]) === "text/plain") {
      res.type("text/plain").send(status.jobID);
    } else {
      res.json(statusView(req, status));
    }
  });

  router.get(JOBS_PATH, async (req, res) => {
    const query = ListQuerySchema.safeParse(req.query);
    if (!query.success) throw new ValidationProblem(toFieldIssues(query.error), "query");
    const { status, limit, cursor } = query.data;
    const principal = principalOf(res);
    const owner = principal.admin ? undefined : principal.owner;
    const page = await deps.jobs.list({
      status,
      limit,
      after: cursor,
      owner,
      // OGC echo jobs share the store; this endpoint lists the service's own jobs.
      filter: (doc) => doc.processID === "preprocessing",
    });
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
    res.json(statusView(req, await jobOf(req, res)));
  });

  router.get(`${JOBS_PATH}/:jobId/log`, async (req, res) => {
    const jobId = (await jobOf(req, res)).jobID;
    res.type("text/plain").send(await deps.jobs.readLog(jobId));
  });

  router.delete(`${JOBS_PATH}/:jobId`, async (req, res) => {
    const jobId = (await jobOf(req, res)).jobID;
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
