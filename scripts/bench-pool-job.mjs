// One job through the job service as the server wires it (createService, the local executor on the built worker),
// in a process of its own; used by bench-pool.mjs, which measures this process and its workers.
//   node scripts/bench-pool-job.mjs <config.yaml> <report.json> <resolution> <cores> <scene id>...
// The report: the job's wall time from submission to its status `successful` (the results published), its final
// status, and each task's start and end.
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../dist/config/load-config.js";
import { createService } from "../dist/create-service.js";
import { LocalExecutor } from "../dist/executors/local-executor.js";
import { createLogger } from "../dist/logging/create-logger.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TIMEOUT_MS = 60 * 60 * 1000;
const [configPath, reportPath, resolution, cores, ...scenes] = process.argv.slice(2);
const config = loadConfig(configPath, {});
const { store, jobs } = createService({
  config,
  logger: createLogger({ name: "bench-pool", consoleLevel: "fatal" }),
  executor: new LocalExecutor({ workerEntry: path.join(repo, "dist", "worker", "main.js") }),
  authentication: { kind: "disabled" },
  checkReadiness: () => Promise.resolve([{ name: "bench", ok: true, detail: "not checked" }]),
});
await jobs.start();

const submitted = new Date();
const started = performance.now();
const { status } = await jobs.submit(
  { imagery_list: scenes, resolution: Number(resolution), cores: Number(cores), delete_intermediate: true },
  { owner: "bench" },
);
const jobId = status.jobID;
// status.json as the API writes it: it turns successful (or failed) once the job is assembled and published.
const deadline = Date.now() + TIMEOUT_MS;
while (!["successful", "failed", "dismissed"].includes((await store.readRawStatus(jobId)).status)) {
  if (Date.now() > deadline) throw new Error(`job ${jobId} has not ended after ${TIMEOUT_MS / 1000} s`);
  await sleep(50);
}
const wall = (performance.now() - started) / 1000;
const ended = new Date();
jobs.stop();

const doc = await store.readStatus(jobId);
const tasks = [];
for (let index = 0; index < scenes.length; index++) {
  const task = await store.readTask(jobId, index);
  tasks.push({ started: task?.started, finished: task?.finished, seconds: task?.seconds });
}
fs.writeFileSync(
  reportPath,
  JSON.stringify({
    jobId,
    wall,
    submitted: submitted.toISOString(),
    ended: ended.toISOString(),
    status: doc.status,
    message: doc.message,
    outputDir: doc.outputDir,
    tasks,
  }),
);
// The bench reads how the job ended from the report.
process.exit(0);
