import { z } from "zod";
import { EchoInputsSchema, SubscriberSchema } from "../jobs/job-spec.js";
import { StatusDocumentSchema } from "../jobs/status-document.js";
import { CONFORMS_TO } from "./ogc/conformance.js";
import { OPENAPI_MEDIA_TYPE, OPENAPI_PATH } from "./openapi-path.js";
import { ListQuerySchema, preprocessingRequestSchema, type RequestLimits } from "./preprocessing-request.js";

// The OpenAPI 3.1 document of the whole HTTP API, served at /openapi.json. Its schemas are zod's own JSON Schema
// export of the schemas the service validates and writes with, so the document cannot drift from the code;
// the paths are listed here, and a test checks that every route the app registers is among them.

export { OPENAPI_MEDIA_TYPE, OPENAPI_PATH };

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });
  delete json.$schema;
  return json;
}

const LinkSchema = z.object({
  href: z.string(),
  rel: z.string(),
  type: z.string().optional(),
  title: z.string().optional(),
});

const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export interface OpenApiOptions {
  readonly limits: RequestLimits;
  readonly ogcBasePath: string;
}

/** Examples shown on /docs: a job as the service answers it, and a validation problem. */
const STATUS_EXAMPLE = {
  jobID: "01a21160-cee8-74a2-a812-6ca01a59edb9",
  processID: "preprocessing",
  type: "process",
  status: "running",
  message: "LC08_L1TP_015028_20200814_20200822_01_T1 B4 done",
  progress: 60,
  created: "2026-11-25T06:00:00.000Z",
  started: "2026-11-25T06:00:01.000Z",
  updated: "2026-11-25T06:00:09.000Z",
  scenes: [
    {
      id: "LC08_L1TP_015028_20200814_20200822_01_T1",
      status: "running",
      message: "Preprocessing",
      outputs: [],
    },
  ],
  links: [
    {
      href: "http://localhost:5000/agricarta/preprocessing/01a21160-cee8-74a2-a812-6ca01a59edb9",
      rel: "self",
      type: "application/json",
    },
  ],
};
const PROBLEM_EXAMPLE = {
  type: "urn:agricarta:problem:invalid-request",
  title: "Invalid request",
  status: 400,
  detail: "The request body is invalid: resolution: must be a positive number of metres",
  errors: [{ field: "resolution", message: "must be a positive number of metres" }],
};

export function openApiDocument(options: OpenApiOptions): Record<string, unknown> {
  const ogc = options.ogcBasePath;
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const json = (name: string, description: string) => ({
    description,
    content: {
      "application/json": {
        schema: ref(name),
        ...(name === "StatusDocument" ? { example: STATUS_EXAMPLE } : {}),
      },
    },
  });
  const problem = (description: string) => ({
    description,
    content: { "application/problem+json": { schema: ref("Problem"), example: PROBLEM_EXAMPLE } },
  });
  const jobId = { name: "jobId", in: "path", required: true, schema: { type: "string", format: "uuid" } };
  const processId = { name: "processId", in: "path", required: true, schema: { type: "string" } };
  const secured = [{ apiKey: [] }];
  const errors = {
    "400": problem("Invalid request: `errors` names each bad field"),
    "401": problem("No valid API key"),
    "403": problem("The key may not use this job"),
    "404": problem("No such job, process or path"),
  };
  const listQuery = Object.entries(
    (jsonSchema(ListQuerySchema, "input").properties ?? {}) as Record<string, unknown>,
  ).map(([name, schema]) => ({ name, in: "query", required: false, schema }));
  const ogcJobQuery = [
    "type",
    "processID",
    "status",
    "datetime",
    "minDuration",
    "maxDuration",
    "limit",
    "cursor",
  ].map((name) => ({ name, in: "query", required: false, schema: { type: "string" } }));

  const document = {
    openapi: "3.1.0",
    info: {
      title: "Agricarta preprocessing service",
      version: "1.0.0",
      description:
        "Turns lists of raw Landsat scenes into analysis-ready rasters. Submit a job, poll it, read the outputs " +
        "from the shared storage. The same jobs are offered as OGC API - Processes under " +
        `${ogc}. Errors are RFC 9457 problem+json.`,
    },
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key from the service's keys file" },
      },
      schemas: {
        PreprocessingRequest: jsonSchema(preprocessingRequestSchema(options.limits), "input"),
        StatusDocument: {
          ...jsonSchema(StatusDocumentSchema, "output"),
          properties: {
            ...(jsonSchema(StatusDocumentSchema, "output").properties as object),
            links: { type: "array", items: ref("Link") },
          },
          additionalProperties: false,
        },
        JobList: {
          type: "object",
          required: ["jobs", "links"],
          properties: {
            jobs: { type: "array", items: ref("StatusDocument") },
            links: { type: "array", items: ref("Link") },
          },
        },
        Link: jsonSchema(LinkSchema, "output"),
        Problem: jsonSchema(ProblemSchema, "output"),
        EchoInputs: jsonSchema(EchoInputsSchema, "input"),
        Execute: {
          type: "object",
          required: ["inputs"],
          properties: {
            inputs: { oneOf: [ref("PreprocessingRequest"), ref("EchoInputs")] },
            outputs: { type: "object" },
            response: { type: "string", enum: ["raw", "document"] },
            subscriber: jsonSchema(SubscriberSchema, "input"),
          },
        },
        Conformance: {
          type: "object",
          required: ["conformsTo"],
          properties: { conformsTo: { type: "array", items: { type: "string", enum: [...CONFORMS_TO] } } },
        },
      },
    },
    paths: {
      "/": { get: { summary: "The seed's hello", responses: { "200": { description: "Hello, World!" } } } },
      "/healthz": { get: { summary: "Liveness", responses: { "200": { description: "Alive" } } } },
      "/readyz": {
        get: {
          summary: "Readiness: working dir and storage writable, GDAL loads in a worker",
          responses: {
            "200": { description: "Ready" },
            "503": { description: "Not ready, naming what is not" },
          },
        },
      },
      "/docs": {
        get: {
          summary: "This document rendered as a reference page (Swagger UI)",
          responses: { "200": { description: "HTML", content: { "text/html": {} } } },
        },
      },
      "/docs/init.js": {
        get: {
          summary: "The reference page's start-up script",
          responses: { "200": { description: "JavaScript", content: { "application/javascript": {} } } },
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus metrics: requests, jobs by status, queue, workers, durations, bytes written",
          responses: { "200": { description: "Prometheus text format", content: { "text/plain": {} } } },
        },
      },
      [OPENAPI_PATH]: {
        get: {
          summary: "This document",
          responses: { "200": { description: "OpenAPI 3.1", content: { [OPENAPI_MEDIA_TYPE]: {} } } },
        },
      },
      "/agricarta/preprocessing": {
        post: {
          summary: "Submit a preprocessing job",
          security: secured,
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              schema: { type: "string", maxLength: 255 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: ref("PreprocessingRequest"),
                example: {
                  imagery_list: ["LC08_L1TP_015028_20200814_20200822_01_T1"],
                  resolution: 10,
                  cores: 2,
                  delete_intermediate: false,
                },
              },
            },
          },
          responses: {
            "202": json("StatusDocument", "Accepted: the job's status document; Location names it"),
            "200": json("StatusDocument", "A repeat of an Idempotency-Key request: the job it created"),
            ...errors,
            "413": problem("Body over 64 KB"),
            "415": problem("Not a JSON body"),
            "422": problem("Idempotency-Key reused with another body"),
            "429": problem("Queue full; see Retry-After"),
          },
        },
        get: {
          summary: "List jobs, newest first",
          security: secured,
          parameters: listQuery,
          responses: { "200": json("JobList", "A page of jobs, with a next link"), ...errors },
        },
      },
      "/agricarta/preprocessing/{jobId}": {
        get: {
          summary: "A job's status document",
          security: secured,
          parameters: [jobId],
          responses: { "200": json("StatusDocument", "The status document"), ...errors },
        },
        delete: {
          summary: "Cancel a queued or running job",
          security: secured,
          parameters: [jobId],
          responses: {
            "200": json("StatusDocument", "Dismissed"),
            ...errors,
            "409": problem("The job has already ended"),
          },
        },
      },
      "/agricarta/preprocessing/{jobId}/log": {
        get: {
          summary: "The job's job_log.txt",
          security: secured,
          parameters: [jobId],
          responses: { "200": { description: "Log lines", content: { "text/plain": {} } }, ...errors },
        },
      },
      [`${ogc}`]: {
        get: { summary: "OGC API landing page", responses: { "200": { description: "Links" } } },
      },
      [`${ogc}/conformance`]: {
        get: { summary: "Conformance classes", responses: { "200": json("Conformance", "conformsTo") } },
      },
      [`${ogc}/processes`]: {
        get: {
          summary: "Process summaries",
          parameters: [
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1 } },
          ],
          responses: { "200": { description: "processes and links" }, "400": errors["400"] },
        },
      },
      [`${ogc}/processes/{processId}`]: {
        get: {
          summary: "A process description",
          parameters: [processId],
          responses: { "200": { description: "Inputs and outputs with JSON Schemas" }, "404": errors["404"] },
        },
      },
      [`${ogc}/processes/{processId}/execution`]: {
        post: {
          summary: "Execute a process (Prefer: respond-async for a job)",
          security: secured,
          parameters: [
            processId,
            { name: "Prefer", in: "header", required: false, schema: { type: "string" } },
          ],
          requestBody: { required: true, content: { "application/json": { schema: ref("Execute") } } },
          responses: {
            "201": json("StatusDocument", "A job: statusInfo; Location names it"),
            "200": { description: "Synchronous echo result" },
            ...errors,
          },
        },
      },
      [`${ogc}/jobs`]: {
        get: {
          summary: "Jobs, filtered",
          security: secured,
          parameters: ogcJobQuery,
          responses: { "200": json("JobList", "statusInfo of each job, with next links"), ...errors },
        },
      },
      [`${ogc}/jobs/{jobId}`]: {
        get: {
          summary: "statusInfo",
          security: secured,
          parameters: [jobId],
          responses: { "200": json("StatusDocument", "statusInfo"), ...errors },
        },
        delete: {
          summary: "Dismiss: stop the job",
          security: secured,
          parameters: [jobId],
          responses: {
            "200": json("StatusDocument", "Dismissed"),
            ...errors,
            "409": problem("Already ended"),
          },
        },
      },
      [`${ogc}/jobs/{jobId}/results`]: {
        get: {
          summary: "Results: each output as {href, type}",
          security: secured,
          parameters: [jobId],
          responses: {
            "200": { description: "Results" },
            ...errors,
            "500": problem("The job failed: its exception"),
          },
        },
      },
      [`${ogc}/jobs/{jobId}/outputs/{file}`]: {
        get: {
          summary: "A published output file of the job",
          security: secured,
          parameters: [jobId, { name: "file", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "The file" }, ...errors },
        },
      },
    },
  };
  // Group the reference page: the job API, the OGC facade, and the service's own endpoints.
  for (const [route, operations] of Object.entries(document.paths)) {
    const tag = route.startsWith("/agricarta/")
      ? "Jobs"
      : route.startsWith(ogc)
        ? "OGC API - Processes"
        : "Service";
    for (const operation of Object.values(operations as Record<string, Record<string, unknown>>)) {
      operation["tags"] = [tag];
    }
  }
  return { ...document, tags: [{ name: "Jobs" }, { name: "OGC API - Processes" }, { name: "Service" }] };
}
