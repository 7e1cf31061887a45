import { z } from "zod";
import { PROBLEM_EXAMPLE, STATUS_EXAMPLE } from "./examples.js";

// The pieces routes describe their operations with: references to the document's schemas, JSON and problem
// answers, the usual error answers, path and query parameters (query parameters from the very zod schema that
// validates the query).

/** Zod's JSON Schema export (draft 2020-12, as OpenAPI 3.1 uses), without the $schema key. */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });
  delete json.$schema;
  return json;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A JSON answer whose body is one of the document's schemas (with its example, where it has one). */
export const jsonResponse = (name: string, description: string) => ({
  description,
  content: {
    "application/json": {
      schema: ref(name),
      ...(name === "StatusDocument" ? { example: STATUS_EXAMPLE } : {}),
    },
  },
});

export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref("Problem"), example: PROBLEM_EXAMPLE } },
});

/** The error answers every job endpoint may give. */
export const ERRORS = {
  "400": problemResponse("Invalid request: `errors` names each bad field (the first 20)"),
  "401": problemResponse("No valid API key"),
  "403": problemResponse("The key may not use this job"),
  "404": problemResponse("No such job, process or path"),
} as const;

/** Operations that need an API key. */
export const SECURED = [{ apiKey: [] }];

export const JOB_ID = {
  name: "jobId",
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
};

/** One query parameter per property of the schema that validates the query, described by that schema. */
export function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
  const json = jsonSchema(schema, "input") as { properties?: Record<string, unknown> };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: false,
    schema: property,
  }));
}

/** The Idempotency-Key request header (POST /agricarta/preprocessing, OGC execution). */
export const IDEMPOTENCY_KEY_HEADER = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description: "Makes the submission safe to retry: a repeat returns the job the first one created",
  schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
};
