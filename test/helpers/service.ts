import path from "node:path";
import { createApp } from "../../src/api/app.js";
import type { Authentication } from "../../src/api/authentication.js";
import type { ReadinessCheck } from "../../src/api/health-routes.js";
import { requestLimitsFrom } from "../../src/api/preprocessing-request.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { Config } from "../../src/config/config.js";
import type { Executor } from "../../src/executors/executor.js";
import { LocalExecutor } from "../../src/executors/local-executor.js";
import { JobService } from "../../src/jobs/job-service.js";
import { JobStore } from "../../src/jobs/job-store.js";
import { SubscriberNotifier } from "../../src/jobs/subscriber-notifier.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { ServiceMetrics } from "../../src/metrics/metrics.js";
import { FIXTURE_WORKERS } from "./paths.js";
import type { Sandbox } from "./sandbox.js";

// The real app, job service and local executor wired on a sandbox, as src/server.ts wires them, minus listen().

export interface TestService {
  readonly config: Config;
  readonly store: JobStore;
  readonly jobs: JobService;
  readonly app: ReturnType<typeof createApp>;
  readonly notifier: SubscriberNotifier;
  readonly metrics: ServiceMetrics;
}

export interface TestServiceOptions {
  /** A fixture worker name (test/fixtures/workers/<name>.mjs) or a path to a built worker. */
  readonly worker: string;
  readonly readiness?: readonly ReadinessCheck[];
  readonly env?: Record<string, string>;
  /** Where the app's log lines go (JSON lines); nowhere when undefined. */
  readonly logSink?: NodeJS.WritableStream;
  /** Default: authentication off, as AUTH_DISABLED does. */
  readonly authentication?: Authentication;
  /** Another executor than the local one on `worker` (the cluster suite's Kubernetes executor). */
  readonly executor?: Executor;
}

export function createTestService(sandbox: Sandbox, options: TestServiceOptions): TestService {
  const config = loadConfig(sandbox.configPath, options.env ?? {});
  const logger =
    options.logSink === undefined
      ? createLogger({ name: "test", consoleLevel: "fatal" })
      : createLogger({ name: "test", consoleLevel: "info", console: options.logSink });
  const store = new JobStore(config.workingDir);
  const workerEntry = path.isAbsolute(options.worker)
    ? options.worker
    : path.join(FIXTURE_WORKERS, `${options.worker}.mjs`);
  const notifier = new SubscriberNotifier({
    logger,
    statusInfo: (doc) => doc,
    attempts: 3,
    backoffMs: 100,
    timeoutMs: 2_000,
  });
  const metrics = new ServiceMetrics();
  const jobs = new JobService({
    store,
    notifier,
    onJobEnded: metrics.jobEnded,
    executor: options.executor ?? new LocalExecutor({ workerEntry, stopGraceMs: 2_000 }),
    config,
    logger,
    checkIntervalMs: 200,
  });
  metrics.watch(jobs);
  const app = createApp({
    jobs,
    metrics,
    authentication: options.authentication ?? { kind: "disabled" },
    ogc: {
      basePath: config.ogcApiBasePath,
      imageryStorage: config.imageryStorage,
      subscriberUrlPrefixes: config.subscriberUrlPrefixes,
    },
    logger,
    limits: requestLimitsFrom(config),
    checkReadiness: () =>
      Promise.resolve(options.readiness ?? [{ name: "test", ok: true, detail: "always ready" }]),
  });
  return Object.freeze({ config, store, jobs, app, notifier, metrics });
}

/** After a test: cancels every job still waiting or running (their workers too), stops watching, removes the sandbox. */
export async function tearDownService(service: TestService, sandbox: Sandbox): Promise<void> {
  for (const { jobID, status } of (await service.jobs.list({ limit: 100_000 })).jobs) {
    if (status === "accepted" || status === "running")
      await service.jobs.cancel(jobID).catch(() => undefined);
  }
  service.jobs.stop();
  await sandbox.remove();
}
