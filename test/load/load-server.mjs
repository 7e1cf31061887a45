// The load test's server: the real app, job service and local executor, as src/server.ts wires them, but with
// the worker swapped for a fixture that finishes at once. Only this harness can do that: no config key reaches
// the worker entry point. Listens on loopback and prints its URL.
//   node test/load/load-server.mjs <config.yaml>
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "../../dist/api/app.js";
import { requestLimitsFrom } from "../../dist/api/preprocessing-request.js";
import { loadConfig } from "../../dist/config/load-config.js";
import { LocalExecutor } from "../../dist/executors/local-executor.js";
import { JobService } from "../../dist/jobs/job-service.js";
import { JobStore } from "../../dist/jobs/job-store.js";
import { createLogger } from "../../dist/logging/create-logger.js";
import { ServiceMetrics } from "../../dist/metrics/metrics.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const config = loadConfig(process.argv[2], process.env);
const logger = createLogger({ name: "load-server", consoleLevel: "warn" });
const metrics = new ServiceMetrics();
const jobs = new JobService({
  store: new JobStore(config.workingDir),
  executor: new LocalExecutor({ workerEntry: path.join(here, "..", "fixtures", "workers", "succeed.mjs") }),
  config,
  logger,
  checkIntervalMs: 500,
  onJobEnded: metrics.jobEnded,
});
metrics.watch(jobs);
await jobs.start();
const app = createApp({
  jobs,
  metrics,
  logger,
  authentication: { kind: "disabled" },
  ogc: { basePath: "/ogcapi", imageryStorage: config.imageryStorage, subscriberUrlPrefixes: [] },
  limits: requestLimitsFrom(config),
  checkReadiness: () => Promise.resolve([{ name: "load", ok: true, detail: "load test" }]),
});
const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
});
process.once("SIGTERM", () => {
  jobs.stop();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
