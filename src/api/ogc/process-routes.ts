import express, { type Request, type Response } from "express";
import { z } from "zod";
import { toFieldIssues } from "../../common/zod-issues.js";
import { EchoInputsSchema, SubscriberSchema, type Subscriber } from "../../jobs/job-spec.js";
import type { Submission } from "../../jobs/job-service.js";
import { ProcessNotFoundError } from "../api-errors.js";
import { principalOf, requireApiKey } from "../authentication.js";
import { idempotencyOf } from "../idempotency-key.js";
import { OGC_REL, type ServiceLinks } from "../links/service-links.js";
import { DocumentedRouter } from "../openapi/documented-router.js";
import {
  ERRORS,
  IDEMPOTENCY_KEY_HEADER,
  SECURED,
  jsonResponse,
  problemResponse,
  queryParameters,
  ref,
} from "../openapi/operation-parts.js";
import { preprocessingRequestSchema } from "../preprocessing-request.js";
import { ValidationProblem } from "../problems.js";
import { requireJson } from "../require-json.js";
import { checkSubscriber } from "./check-subscriber.js";
import { LimitSchema } from "./job-list-query.js";
import { OGC_TAG, type OgcDeps } from "./ogc-deps.js";
import { processDefinitions, type ProcessDefinition } from "./processes.js";

// The facade's processes (/req/core/process-list, /req/core/process-description) and their execution
// (/req/core/process-execute-*): preprocessing always as a job, echo at once or as a job (Prefer: respond-async).

const ProcessListQuerySchema = z.strictObject({ limit: LimitSchema(10_000, 10) });

const ExecuteSchema = z.strictObject({
  inputs: z.record(z.string(), z.unknown()).default({}),
  outputs: z.record(z.string(), z.unknown()).optional(),
  response: z.enum(["raw", "document"]).default("raw"),
  subscriber: SubscriberSchema.optional(),
});

const PROCESS_ID = { name: "processId", in: "path", required: true, schema: { type: "string" } };

export function processRoutes(deps: OgcDeps): DocumentedRouter {
  const api = new DocumentedRouter(OGC_TAG);
  const base = deps.basePath;
  const definitions = processDefinitions(deps.limits);
  const requestSchema = preprocessingRequestSchema(deps.limits);

  const processOf = (req: Request): ProcessDefinition => {
    const id = String(req.params["processId"]);
    const definition = definitions.find((d) => d.id === id);
    if (definition === undefined) throw new ProcessNotFoundError(id);
    return definition;
  };

  api.get(
    `${base}/processes`,
    {
      summary: "Process summaries",
      parameters: queryParameters(ProcessListQuerySchema),
      responses: { "200": { description: "processes and links" }, "400": ERRORS["400"] },
    },
    (req, res) => {
      const query = ProcessListQuerySchema.safeParse(req.query);
      if (!query.success) throw new ValidationProblem(toFieldIssues(query.error), "query");
      const links = deps.linksOf(req);
      res.json({
        processes: definitions.slice(0, query.data.limit).map((d) => summary(links, d)),
        links: [{ href: links.ogc("/processes"), rel: "self", type: "application/json" }],
      });
    },
  );

  api.get(
    `${base}/processes/:processId`,
    {
      summary: "A process description",
      parameters: [PROCESS_ID],
      responses: { "200": { description: "Inputs and outputs with JSON Schemas" }, "404": ERRORS["404"] },
    },
    (req, res) => {
      const definition = processOf(req);
      const { inputs, outputs } = definition;
      res.json({ ...summary(deps.linksOf(req), definition), inputs, outputs });
    },
  );

  api.post(
    `${base}/processes/:processId/execution`,
    {
      summary: "Execute a process (Prefer: respond-async for a job)",
      security: SECURED,
      parameters: [
        PROCESS_ID,
        { name: "Prefer", in: "header", required: false, schema: { type: "string" } },
        IDEMPOTENCY_KEY_HEADER,
      ],
      requestBody: { required: true, content: { "application/json": { schema: ref("Execute") } } },
      responses: {
        "201": jsonResponse("StatusDocument", "A job: statusInfo; Location names it"),
        "200": {
          description:
            "Synchronous echo result, or the job an earlier request with this Idempotency-Key created",
        },
        ...ERRORS,
        "422": problemResponse("Idempotency-Key reused with another request"),
        "429": problemResponse("Queue full; see Retry-After"),
      },
    },
    requireApiKey(deps.authentication),
    requireJson("the execute request"),
    express.json({ limit: "64kb", strict: true }),
    async (req, res) => {
      const definition = processOf(req);
      const idempotency = idempotencyOf(req, { process: definition.id, execute: req.body as unknown });
      const body = ExecuteSchema.safeParse(req.body);
      if (!body.success) throw new ValidationProblem(toFieldIssues(body.error));
      const checked = checkSubscriber(body.data.subscriber, deps.subscriberUrlPrefixes);
      const wantsAsync = /\brespond-async\b/i.test(req.get("prefer") ?? "");
      const links = deps.linksOf(req);
      // Callbacks are sent without a request: they link on the base URL of the one that submitted the job.
      const subscriber: Subscriber | undefined =
        checked === undefined ? undefined : { ...checked, linkBase: links.base };
      const options = { owner: principalOf(res).owner, subscriber, idempotency };
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
        created(res, links, await deps.jobs.submitEcho(inputs.data, options), wantsAsync);
        return;
      }
      const inputs = requestSchema.safeParse(body.data.inputs);
      if (!inputs.success) throw invalid(inputs.error);
      created(res, links, await deps.jobs.submit(inputs.data, options), wantsAsync);
    },
  );

  return api;
}

/** 201 with the new job's statusInfo and Location; 200 for the job an Idempotency-Key repeat names. */
function created(res: Response, links: ServiceLinks, submission: Submission, preferred: boolean): void {
  const { status, replayed } = submission;
  res.locals["jobId"] = status.jobID;
  if (preferred) res.setHeader("Preference-Applied", "respond-async");
  if (replayed) res.setHeader("Idempotent-Replayed", "true");
  res
    .status(replayed ? 200 : 201)
    .location(links.ogcJob(status.jobID))
    .json(links.statusInfo(status));
}

function summary(links: ServiceLinks, d: ProcessDefinition): Record<string, unknown> {
  const href = links.ogc(`/processes/${d.id}`);
  return {
    id: d.id,
    title: d.title,
    description: d.description,
    version: d.version,
    jobControlOptions: d.jobControlOptions,
    outputTransmission: ["reference", "value"],
    links: [
      { href, rel: "self", type: "application/json", title: "Process description" },
      { href: `${href}/execution`, rel: `${OGC_REL}execute`, type: "application/json", title: "Execute" },
    ],
  };
}
