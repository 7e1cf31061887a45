import path from "node:path";
import type { Authentication } from "../../src/api/authentication.js";
import type { ReadinessCheck } from "../../src/api/health-routes.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { Config } from "../../src/config/config.js";
import { createService, type Service } from "../../src/create-service.js";
import type { Executor } from "../../src/executors/executor.js";
import { LocalExecutor } from "../../src/executors/local-executor.js";
import { createLogger } from "../../src/logging/create-logger.js";
import { FIXTURE_WORKERS } from "./paths.js";
import type { Sandbox } from "./sandbox.js";

// The service on a sandbox through src/create-service.ts, the very wiring src/server.ts ships, minus listen().
// Only what a test chooses differs: the worker (a fixture or the built one), short intervals, where logs go.

export interface TestService extends Service {
  readonly config: Config;
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
  const workerEntry = path.isAbsolute(options.worker)
    ? options.worker
    : path.join(FIXTURE_WORKERS, `${options.worker}.mjs`);
  const service = createService({
    config,
    logger,
    executor: options.executor ?? new LocalExecutor({ workerEntry, stopGraceMs: 2_000 }),
    authentication: options.authentication ?? { kind: "disabled" },
    checkReadiness: () =>
      Promise.resolve(options.readiness ?? [{ name: "test", ok: true, detail: "always ready" }]),
    checkIntervalMs: 200,
    callbacks: { attempts: 3, backoffMs: 100, timeoutMs: 2_000 },
  });
  return Object.freeze({ ...service, config });
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
