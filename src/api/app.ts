import express, { type Express } from "express";
import helmet from "helmet";
import type { JobService } from "../jobs/job-service.js";
import type { ServiceMetrics } from "../metrics/metrics.js";
import type { Authentication } from "./authentication.js";
import { docsRoutes } from "./docs/docs-routes.js";
import { ogcRoutes } from "./ogc/ogc-routes.js";
import { OPENAPI_MEDIA_TYPE, OPENAPI_PATH, openApiDocument } from "./openapi.js";
import type { Logger } from "../logging/create-logger.js";
import { healthRoutes, type CheckReadiness } from "./health-routes.js";
import type { RequestLimits } from "./preprocessing-request.js";
import { preprocessingRoutes } from "./preprocessing-routes.js";
import { notFoundHandler, problemMiddleware } from "./problem-middleware.js";
import { requestContext } from "./request-context.js";

export interface AppDeps {
  readonly jobs: JobService;
  /** Prometheus metrics, served at /metrics (open, like the health endpoints). */
  readonly metrics: ServiceMetrics;
  readonly authentication: Authentication;
  /** The OGC API - Processes facade: where, results' storage, allowed subscriber URLs. */
  readonly ogc: {
    readonly basePath: string;
    readonly imageryStorage: string;
    readonly subscriberUrlPrefixes: readonly string[];
  };
  readonly limits: RequestLimits;
  readonly logger: Logger;
  readonly checkReadiness: CheckReadiness;
}

/** The HTTP application. It never listens: the server entry point (or a test) does. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // Security headers for every answer, errors included (nosniff, frame denial, a strict CSP for the odd page).
  app.use(helmet());
  app.set("trust proxy", false);
  app.use(requestContext(deps.logger));
  app.use(deps.metrics.middleware);
  app.get("/metrics", deps.metrics.endpoint);
  app.use(healthRoutes(deps.checkReadiness));
  app.use(preprocessingRoutes({ jobs: deps.jobs, authentication: deps.authentication, limits: deps.limits }));
  const openApi = JSON.stringify(openApiDocument({ limits: deps.limits, ogcBasePath: deps.ogc.basePath }));
  app.get(OPENAPI_PATH, (_req, res) => {
    res.type(OPENAPI_MEDIA_TYPE).send(openApi);
  });
  app.use(docsRoutes());
  app.use(
    ogcRoutes({ ...deps.ogc, jobs: deps.jobs, authentication: deps.authentication, limits: deps.limits }),
  );
  app.use(notFoundHandler);
  app.use(problemMiddleware);
  return app;
}
