// The load test's server: the service as src/server.ts wires it (src/create-service.ts), but with the worker
// swapped for a fixture that finishes at once. Only this harness can do that: no config key reaches the worker
// entry point. Listens on loopback and prints its URL.
//   node test/load/load-server.mjs <config.yaml>
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../dist/config/load-config.js";
import { createService } from "../../dist/create-service.js";
import { LocalExecutor } from "../../dist/executors/local-executor.js";
import { createLogger } from "../../dist/logging/create-logger.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const config = loadConfig(process.argv[2], process.env);
const { jobs, app } = createService({
  config,
  logger: createLogger({ name: "load-server", consoleLevel: "warn" }),
  executor: new LocalExecutor({ workerEntry: path.join(here, "..", "fixtures", "workers", "succeed.mjs") }),
  authentication: { kind: "disabled" },
  checkReadiness: () => Promise.resolve([{ name: "load", ok: true, detail: "load test" }]),
  checkIntervalMs: 500,
});
await jobs.start();
const server = app.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`);
});
process.once("SIGTERM", () => {
  jobs.stop();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
