import type { RequestHandler } from "express";
import type { ServiceMetrics } from "../metrics/metrics.js";
import { requireApiKey, type Authentication } from "./authentication.js";
import { DocumentedRouter } from "./openapi/documented-router.js";
import { ERRORS, SECURED } from "./openapi/operation-parts.js";

/** METRICS_AUTH: whether Prometheus must send an API key (api_key, the default) or /metrics is open. */
export type MetricsAuth = "api_key" | "open";

/** GET /metrics, Prometheus' scrape endpoint, behind an API key unless METRICS_AUTH says open. */
export function metricsRoutes(
  metrics: ServiceMetrics,
  access: MetricsAuth,
  authentication: Authentication,
): DocumentedRouter {
  const api = new DocumentedRouter("Service");
  const guard: RequestHandler[] = access === "open" ? [] : [requireApiKey(authentication)];
  api.get(
    "/metrics",
    {
      summary: "Prometheus metrics: requests, jobs by status, queue, workers, durations, bytes written",
      ...(access === "open" ? {} : { security: SECURED }),
      responses: {
        "200": { description: "Prometheus text format", content: { "text/plain": {} } },
        ...(access === "open" ? {} : { "401": ERRORS["401"] }),
      },
    },
    ...guard,
    metrics.endpoint,
  );
  return api;
}
