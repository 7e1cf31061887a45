import { z } from "zod";
import { EchoInputsSchema, SubscriberSchema } from "../../jobs/job-spec.js";
import { StatusDocumentSchema } from "../../jobs/status-document.js";
import { CONFORMS_TO } from "../ogc/conformance.js";
import { preprocessingRequestSchema, type RequestLimits } from "../preprocessing-request.js";
import type { PathItems } from "./documented-router.js";
import { jsonSchema, ref } from "./operation-parts.js";

// The OpenAPI 3.1 document of the whole HTTP API, served at /openapi.json. Its schemas are zod's own JSON Schema
// export of the schemas the service validates and writes with, and its paths are what each router declared
// with its routes (DocumentedRouter), so the document cannot drift from the code; a test checks that every
// route the app registers is in it and that real answers validate against it.

const LinkSchema = z.object({
  href: z.string(),
  rel: z.string(),
  type: z.string().optional(),
  title: z.string().optional(),
});

/** RFC 9457 problem details; extension members (jobID, jobStatus...) are allowed. */
const ProblemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  errorsOmitted: z.number().int().positive().optional(),
});

export interface OpenApiOptions {
  readonly limits: RequestLimits;
  readonly ogcBasePath: string;
  /** Every router's paths (mergePaths). */
  readonly paths: PathItems;
}

const TAGS = ["Jobs", "OGC API - Processes", "Service"];

export function openApiDocument(options: OpenApiOptions): Record<string, unknown> {
  const status = jsonSchema(StatusDocumentSchema, "output");
  return {
    openapi: "3.1.0",
    info: {
      title: "Agricarta preprocessing service",
      version: "1.0.0",
      description:
        "Turns lists of raw Landsat and Sentinel-2 scenes into analysis-ready rasters on one grid. Submit a job, poll it, read the outputs " +
        "from the shared storage. The same jobs are offered as OGC API - Processes under " +
        `${options.ogcBasePath}. Errors are RFC 9457 problem+json.`,
    },
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key from the service's keys file" },
      },
      schemas: {
        PreprocessingRequest: jsonSchema(preprocessingRequestSchema(options.limits), "input"),
        StatusDocument: {
          ...status,
          properties: { ...(status["properties"] as object), links: { type: "array", items: ref("Link") } },
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
    paths: options.paths,
    tags: TAGS.map((name) => ({ name })),
  };
}
