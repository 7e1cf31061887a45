import { Router } from "express";
import { mergePaths, type DocumentedRoutes } from "../openapi/documented-router.js";
import { jobRoutes } from "./job-routes.js";
import { landingRoutes } from "./landing-routes.js";
import type { OgcDeps } from "./ogc-deps.js";
import { ogcProblemHandler } from "./ogc-problems.js";
import { processRoutes } from "./process-routes.js";

// OGC API - Processes - Part 1: Core, as a facade over the same job service as /agricarta/preprocessing.
// Landing page, conformance and process descriptions are open; execution and jobs need an API key. Errors are
// the service's own answers, written with the OGC exception types.

export function ogcRoutes(deps: OgcDeps): DocumentedRoutes {
  const parts = [landingRoutes(deps), processRoutes(deps), jobRoutes(deps)];
  const router = Router();
  for (const part of parts) router.use(part.router);
  router.use(ogcProblemHandler);
  return { router, paths: mergePaths(parts) };
}
