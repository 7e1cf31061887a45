import express, { type Express } from "express";
import helmet from "helmet";
import type { JobService } from "../jobs/job-service.js";
import type { Logger } from "../logging/create-logger.js";
import type { ServiceMetrics } from "../metrics/metrics.js";
import type { Authentication } from "./authentication.js";
import { docsRoutes } from "./docs/docs-routes.js";
import { healthRoutes, type CheckReadiness } from "./health-routes.js";
import { baseUrlResolver } from "./links/base-url.js";
import { linksResolver } from "./links/service-links.js";
import { metricsRoutes, type MetricsAuth } from "./metrics-routes.js";
import { ogcRoutes } from "./ogc/ogc-routes.js";
import { mergePaths, type DocumentedRoutes } from "./openapi/documented-router.js";
import { openApiDocument } from "./openapi/openapi-document.js";
import type { RequestLimits } from "./preprocessing-request.js";
import { preprocessingRoutes } from "./preprocessing-routes.js";
import { notFoundHandler, problemMiddleware } from "./problem-middleware.js";
import { requestContext } from "./request-context.js";

export interface AppDeps {
  readonly jobs: JobService;
  readonly metrics: ServiceMetrics;
  readonly authentication: Authentication;
  /** The OGC API - Processes facade: where, results' storage, allowed subscriber URLs. */
  readonly ogc: {
    readonly basePath: string;
    readonly imageryStorage: string;
    readonly subscriberUrlPrefixes: readonly string[];
  };
  /** How the service is addressed: PUBLIC_URL, TRUST_PROXY (Express's "trust proxy"), METRICS_AUTH. */
  readonly http: {
    readonly publicUrl: string | undefined;
    readonly trustProxy: boolean | number | readonly string[];
    readonly metricsAuth: MetricsAuth;
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
  const { trustProxy } = deps.http;
  app.set("trust proxy", typeof trustProxy === "object" ? [...trustProxy] : trustProxy);
  app.use(requestContext(deps.logger));
  app.use(deps.metrics.middleware);

  const linksOf = linksResolver(baseUrlResolver(deps.http.publicUrl), deps.ogc.basePath);
  let openApiText = "";
  const routes: DocumentedRoutes[] = [
    healthRoutes(deps.checkReadiness),
    metricsRoutes(deps.metrics, deps.http.metricsAuth, deps.authentication),
    preprocessingRoutes({
      jobs: deps.jobs,
      authentication: deps.authentication,
      limits: deps.limits,
      linksOf,
    }),
    docsRoutes(() => openApiText),
    ogcRoutes({
      ...deps.ogc,
      jobs: deps.jobs,
      authentication: deps.authentication,
      limits: deps.limits,
      linksOf,
    }),
  ];
  for (const { router } of routes) app.use(router);
  openApiText = JSON.stringify(
    openApiDocument({ limits: deps.limits, ogcBasePath: deps.ogc.basePath, paths: mergePaths(routes) }),
  );

  app.use(notFoundHandler);
  app.use(problemMiddleware);
  return app;
}
