import path from "node:path";
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import { toFieldIssues } from "../../common/zod-issues.js";
import { EchoInputsSchema, SubscriberSchema } from "../../jobs/job-spec.js";
import type { JobService } from "../../jobs/job-service.js";
import { isJobId, JobNotFoundError } from "../../jobs/job-store.js";
import { JobStateSchema, type StatusDocument } from "../../jobs/status-document.js";
import { InvalidTransitionError } from "../../jobs/transitions.js";
import { assertMayAccess, principalOf, requireApiKey, type Authentication } from "../authentication.js";
import { preprocessingRequestSchema, type RequestLimits } from "../preprocessing-request.js";
import { HttpProblem, ValidationProblem } from "../problems.js";
import { requireJson } from "../require-json.js";
import { baseUrl } from "../status-view.js";
import { OPENAPI_MEDIA_TYPE, OPENAPI_PATH } from "../openapi-path.js";
import { CONFORMS_TO } from "./conformance.js";
import { checkSubscriber, mediaType, parseInterval } from "./ogc-values.js";
import { processDefinitions, type ProcessDefinition } from "./processes.js";

// OGC API - Processes - Part 1: Core, as a facade over the same job service as /agricarta/preprocessing.
// Landing page, conformance and process descriptions are open; execution and jobs need an API key.

const EXCEPTION = "http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/";
const REL = "http://www.opengis.net/def/rel/ogc/1.0/";

export interface OgcRoutesDeps {
  readonly basePath: string;
  readonly jobs: JobService;
  readonly authentication: Authentication;
  readonly limits: RequestLimits;
  /** Where published results live (IMAGERY_STORAGE), so that result links can be served. */
  readonly imageryStorage: string;
  readonly subscriberUrlPrefixes: readonly string[];
}

class OgcException extends HttpProblem {
  constructor(status: number, kind: string, title: string, detail: string) {
    super(status, title, detail, { type: `${EXCEPTION}${kind}` });
  }
}

const LimitSchema = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);
const ManySchema = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(","))),
    z.array(item).optional(),
  );

const JobListQuerySchema = z.strictObject({
  type: ManySchema(z.literal("process")),
  processID: ManySchema(z.enum(["preprocessing", "echo"])),
  status: ManySchema(JobStateSchema),
  datetime: z.string().max(100).optional(),
  minDuration: z.coerce.number().min(0).optional(),
  maxDuration: z.coerce.number().min(0).optional(),
  limit: LimitSchema(10_000, 10),
  cursor: z.uuid("must be a job id from a previous page's next link").optional(),
});

const ExecuteSchema = z.strictObject({
  inputs: z.record(z.string(), z.unknown()).default({}),
  outputs: z.record(z.string(), z.unknown()).optional(),
  response: z.enum(["raw", "document"]).default("raw"),
  subscriber: SubscriberSchema.optional(),
});

export function ogcRoutes(deps: OgcRoutesDeps): Router {
  const router = Router();
  const base = deps.basePath;
  const definitions = processDefinitions(deps.limits);
  const requestSchema = preprocessingRequestSchema(deps.limits);
  const json = express.json({ limit: "64kb", strict: true });
  const needKey = requireApiKey(deps.authentication);
  const root = (req: Request): string => `${baseUrl(req)}${base}`;

  router.get(base === "/" ? "/" : [base, `${base}/`], (req, res) => {
    const here = root(req);
    res.json({
      title: "Agricarta preprocessing (OGC API - Processes)",
      description: "Landsat scenes to analysis-ready rasters, as OGC API - Processes jobs.",
      links: [
        { href: here, rel: "self", type: "application/json", title: "This document" },
        {
          href: `${baseUrl(req)}${OPENAPI_PATH}`,
          rel: "service-desc",
          type: OPENAPI_MEDIA_TYPE,
          title: "The API definition (OpenAPI 3.1)",
        },
        {
          href: `${here}/conformance`,
          rel: `${REL}conformance`,
          type: "application/json",
          title: "Conformance",
        },
        { href: `${here}/processes`, rel: `${REL}processes`, type: "application/json", title: "Processes" },
        { href: `${here}/jobs`, rel: `${REL}job-list`, type: "application/json", title: "Jobs" },
      ],
    });
  });

  router.get(`${base}/conformance`, (_req, res) => {
    res.json({ conformsTo: CONFORMS_TO });
  });

  router.get(`${base}/processes`, (req, res) => {
    const query = z.strictObject({ limit: LimitSchema(10_000, 10) }).safeParse(req.query);
    if (!query.success) throw new ValidationProblem(toFieldIssues(query.error), "query");
    res.json({
      processes: definitions.slice(0, query.data.limit).map((d) => summary(req, d)),
      links: [{ href: `${root(req)}/processes`, rel: "self", type: "application/json" }],
    });
  });

  router.get(`${base}/processes/:processId`, (req, res) => {
    const definition = processOf(req);
    const { inputs, outputs } = definition;
    res.json({ ...summary(req, definition), inputs, outputs });
  });

  router.post(
    `${base}/processes/:processId/execution`,
    needKey,
    requireJson("the execute request"),
    json,
    async (req, res) => {
      const definition = processOf(req);
      const body = ExecuteSchema.safeParse(req.body);
      if (!body.success) throw new ValidationProblem(toFieldIssues(body.error));
      const subscriber = checkSubscriber(body.data.subscriber, deps.subscriberUrlPrefixes);
      const wantsAsync = /\brespond-async\b/i.test(req.get("prefer") ?? "");
      const owner = principalOf(res).owner;
      const invalid = (error: z.ZodError) =>
        new ValidationProblem(toFieldIssues(error).map((i) => ({ ...i, field: `inputs.${i.field}` })));

      if (definition.id === "echo") {
        const inputs = EchoInputsSchema.safeParse(body.data.inputs);
        if (!inputs.success) throw invalid(inputs.error);
        if (!wantsAsync) {
          await new Promise((resolve) => setTimeout(resolve, inputs.data.pause * 1000));
          if (body.data.response === "document") res.json({ stringOutput: inputs.data.stringInput });
          else res.type("text/plain").send(inputs.data.stringInput);
          return;
        }
        const { status } = await deps.jobs.submitEcho(inputs.data, { owner, subscriber });
        created(req, res, status, wantsAsync);
        return;
      }
      const inputs = requestSchema.safeParse(body.data.inputs);
      if (!inputs.success) throw invalid(inputs.error);
      const { status } = await deps.jobs.submit(inputs.data, { owner, subscriber });
      created(req, res, status, wantsAsync);
    },
  );

  router.get(`${base}/jobs`, needKey, async (req, res) => {
    const query = JobListQuerySchema.safeParse(req.query);
    if (!query.success) throw new ValidationProblem(toFieldIssues(query.error), "query");
    const q = query.data;
    const interval = q.datetime === undefined ? undefined : parseInterval(q.datetime);
    const now = Date.now();
    const principal = principalOf(res);
    const page = await deps.jobs.list({
      limit: q.limit,
      after: q.cursor,
      owner: principal.admin ? undefined : principal.owner,
      filter: (doc) => {
        if (q.processID !== undefined && !q.processID.includes(doc.processID)) return false;
        if (q.status !== undefined && !q.status.includes(doc.status)) return false;
        if (interval !== undefined && !interval(Date.parse(doc.created))) return false;
        if (q.minDuration !== undefined || q.maxDuration !== undefined) {
          if (doc.started === undefined) return false;
          const seconds =
            ((doc.finished === undefined ? now : Date.parse(doc.finished)) - Date.parse(doc.started)) / 1000;
          if (q.minDuration !== undefined && seconds < q.minDuration) return false;
          if (q.maxDuration !== undefined && seconds > q.maxDuration) return false;
        }
        return true;
      },
    });
    const pageUrl = (cursor?: string): string => {
      // The validated filters, written back as they came (lists comma-separated).
      const params = new URLSearchParams();
      for (const key of ["type", "processID", "status"] as const) {
        if (q[key] !== undefined) params.set(key, q[key].join(","));
      }
      if (q.datetime !== undefined) params.set("datetime", q.datetime);
      if (q.minDuration !== undefined) params.set("minDuration", String(q.minDuration));
      if (q.maxDuration !== undefined) params.set("maxDuration", String(q.maxDuration));
      params.set("limit", String(q.limit));
      if (cursor !== undefined) params.set("cursor", cursor);
      return `${root(req)}/jobs?${params.toString()}`;
    };
    res.json({
      jobs: page.jobs.map((doc) => statusInfo(req, doc)),
      links: [
        { href: pageUrl(q.cursor), rel: "self", type: "application/json" },
        ...(page.next === undefined
          ? []
          : [{ href: pageUrl(page.next), rel: "next", type: "application/json" }]),
      ],
    });
  });

  router.get(`${base}/jobs/:jobId`, needKey, async (req, res) => {
    res.json(statusInfo(req, await jobOf(req, res)));
  });

  router.get(`${base}/jobs/:jobId/results`, needKey, async (req, res) => {
    const doc = await jobOf(req, res);
    if (doc.status === "accepted" || doc.status === "running") {
      throw new OgcException(
        404,
        "result-not-ready",
        "Result not ready",
        `Job ${doc.jobID} is still ${doc.status}.`,
      );
    }
    if (doc.status === "failed") {
      throw new OgcException(500, "job-results-failed", "Job failed", doc.message);
    }
    if (doc.status === "dismissed") {
      throw new OgcException(
        404,
        "no-such-job",
        "Job dismissed",
        `Job ${doc.jobID} was dismissed; it has no results.`,
      );
    }
    if (doc.processID === "echo") {
      res.json(JSON.parse(await deps.jobs.readResults(doc.jobID)) as unknown);
      return;
    }
    const here = `${root(req)}/jobs/${doc.jobID}/outputs`;
    const results: Record<string, { href: string; type: string }> = {};
    for (const file of doc.scenes.flatMap((s) => s.outputs)) {
      results[
        path
          .basename(file)
          .replace(/\.[^.]+$/, "")
          .replace(/\.stac$/, "_stac")
      ] = {
        href: `${here}/${file.split(path.sep).map(encodeURIComponent).join("/")}`,
        type: mediaType(file),
      };
    }
    res.json(results);
  });

  // The published files behind the result links, read-only, from the job's published folder only.
  router.get(`${base}/jobs/:jobId/outputs/*file`, needKey, async (req, res) => {
    const doc = await jobOf(req, res);
    const file = ([] as string[]).concat((req.params as { file?: string | string[] }).file ?? []).join("/");
    if (doc.outputDir === undefined || !doc.scenes.some((s) => s.outputs.includes(file))) {
      throw new OgcException(404, "no-such-job", "Not found", `Job ${doc.jobID} has no output ${file}.`);
    }
    res.type(mediaType(file));
    res.sendFile(file, { root: path.join(deps.imageryStorage, doc.outputDir), dotfiles: "deny" });
  });

  router.delete(`${base}/jobs/:jobId`, needKey, async (req, res) => {
    const doc = await jobOf(req, res);
    try {
      res.json(statusInfo(req, await deps.jobs.cancel(doc.jobID)));
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error;
      throw new HttpProblem(
        409,
        "Conflict",
        `Job ${doc.jobID} has already ended (${doc.status}); its published results are kept.`,
      );
    }
  });

  function processOf(req: Request): ProcessDefinition {
    const id = String(req.params["processId"]);
    const definition = definitions.find((d) => d.id === id);
    if (definition === undefined) {
      throw new OgcException(404, "no-such-process", "No such process", `There is no process ${id}.`);
    }
    return definition;
  }

  async function jobOf(req: Request, res: Response): Promise<StatusDocument> {
    const jobId = String(req.params["jobId"]);
    const missing = () => new OgcException(404, "no-such-job", "No such job", `There is no job ${jobId}.`);
    if (!isJobId(jobId)) throw missing();
    res.locals["jobId"] = jobId;
    try {
      assertMayAccess(principalOf(res), jobId, await deps.jobs.ownerOf(jobId));
      return await deps.jobs.get(jobId);
    } catch (error) {
      if (error instanceof JobNotFoundError) throw missing();
      throw error;
    }
  }

  function summary(req: Request, d: ProcessDefinition): Record<string, unknown> {
    const href = `${root(req)}/processes/${d.id}`;
    return {
      id: d.id,
      title: d.title,
      description: d.description,
      version: d.version,
      jobControlOptions: d.jobControlOptions,
      outputTransmission: ["reference", "value"],
      links: [
        { href, rel: "self", type: "application/json", title: "Process description" },
        { href: `${href}/execution`, rel: `${REL}execute`, type: "application/json", title: "Execute" },
      ],
    };
  }

  function statusInfo(req: Request, doc: StatusDocument): Record<string, unknown> {
    const self = `${root(req)}/jobs/${doc.jobID}`;
    return {
      ...doc,
      links: [
        { href: self, rel: "self", type: "application/json", title: "Job status" },
        { href: `${root(req)}/jobs`, rel: "up", type: "application/json", title: "Jobs" },
        ...(doc.status === "successful"
          ? [{ href: `${self}/results`, rel: `${REL}results`, type: "application/json", title: "Results" }]
          : []),
      ],
    };
  }

  function created(req: Request, res: Response, doc: StatusDocument, preferred: boolean): void {
    res.locals["jobId"] = doc.jobID;
    if (preferred) res.setHeader("Preference-Applied", "respond-async");
    res
      .status(201)
      .location(`${root(req)}/jobs/${doc.jobID}`)
      .json(statusInfo(req, doc));
  }

  return router;
}
