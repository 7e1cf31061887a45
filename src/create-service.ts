import type { Express } from "express";
import { createApp } from "./api/app.js";
import type { Authentication } from "./api/authentication.js";
import type { CheckReadiness } from "./api/health-routes.js";
import { ServiceLinks } from "./api/links/service-links.js";
import { requestLimitsFrom } from "./api/preprocessing-request.js";
import type { Config } from "./config/config.js";
import type { Executor } from "./executors/executor.js";
import { JobService } from "./jobs/job-service.js";
import { JobStore } from "./jobs/job-store.js";
import type { Subscriber } from "./jobs/job-spec.js";
import type { StatusDocument } from "./jobs/status-document.js";
import { SubscriberNotifier } from "./jobs/subscriber-notifier.js";
import type { Logger } from "./logging/create-logger.js";
import { ServiceMetrics } from "./metrics/metrics.js";

// The API server's parts wired together (job store, subscriber callbacks, metrics, job service, HTTP app), the
// one wiring that both src/server.ts and the tests use, so that what is tested is what ships. It never
// listens and starts nothing: the caller starts the job service and listens.

export interface ServiceDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly executor: Executor;
  readonly authentication: Authentication;
  readonly checkReadiness: CheckReadiness;
  /** Tests' shorter timings: how often workers are checked, and the callbacks' retry schedule. */
  readonly checkIntervalMs?: number;
  readonly callbacks?: { readonly attempts: number; readonly backoffMs: number; readonly timeoutMs: number };
}

export interface Service {
  readonly store: JobStore;
  readonly notifier: SubscriberNotifier;
  readonly metrics: ServiceMetrics;
  readonly jobs: JobService;
  readonly app: Express;
}

export function createService(deps: ServiceDeps): Service {
  const { config, logger } = deps;
  const store = new JobStore(config.workingDir);
  const notifier = new SubscriberNotifier({
    logger: logger.child({ component: "subscriber" }),
    statusInfo: (doc, subscriber) => callbackBody(config, doc, subscriber),
    ...deps.callbacks,
  });
  const metrics = new ServiceMetrics();
  const jobs = new JobService({
    store,
    notifier,
    onJobEnded: metrics.jobEnded,
    executor: deps.executor,
    config,
    logger: logger.child({ component: "jobs" }),
    ...(deps.checkIntervalMs === undefined ? {} : { checkIntervalMs: deps.checkIntervalMs }),
  });
  metrics.watch(jobs);
  const app = createApp({
    jobs,
    metrics,
    authentication: deps.authentication,
    ogc: {
      basePath: config.ogcApiBasePath,
      imageryStorage: config.imageryStorage,
      subscriberUrlPrefixes: config.subscriberUrlPrefixes,
    },
    http: { publicUrl: config.publicUrl, trustProxy: config.trustProxy, metricsAuth: config.metricsAuth },
    logger,
    limits: requestLimitsFrom(config),
    checkReadiness: deps.checkReadiness,
  });
  return Object.freeze({ store, notifier, metrics, jobs, app });
}

/**
 * A subscriber callback's body: the job's statusInfo as GET /jobs/{jobId} serves it, its links on PUBLIC_URL or
 * else on the base URL of the request that submitted the job (without either, a job from an older version:
 * no links rather than relative ones).
 */
function callbackBody(config: Config, doc: StatusDocument, subscriber: Subscriber): unknown {
  const base = config.publicUrl ?? subscriber.linkBase;
  if (base === undefined) return doc;
  return new ServiceLinks(base, config.ogcApiBasePath).statusInfo(doc);
}
