// Load test (loopback only): many clients submit jobs at once to the real app, job service and local executor,
// with the worker swapped for a fixture that finishes at once (test/load/load-server.mjs); then it waits for
// every job to end and checks that nothing was lost or doubled. Prints throughput and latency percentiles.
//   npm run loadtest                                   (2,000 submissions from 50 clients)
//   node scripts/loadtest.mjs --submissions 200 --clients 20 [--json]
// Exits 1 when an invariant does not hold: a 5xx, an accepted job without exactly one directory, a directory
// without an accepted submission, or a job that never reaches a terminal status.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    submissions: { type: "string", default: "2000" },
    clients: { type: "string", default: "50" },
    json: { type: "boolean", default: false },
  },
});
const SUBMISSIONS = Number(values.submissions);
const CLIENTS = Number(values.clients);
const SCENES = ["LC08_L1TP_015028_20200814_20200822_01_T1", "LC08_L2SP_017036_20130419_20200913_02_T2"];
const JOBS = "/agricarta/preprocessing";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "agricarta-load-"));
const workingDir = path.join(root, "work");
fs.mkdirSync(path.join(root, "storage"), { recursive: true });
fs.writeFileSync(
  path.join(root, "config.yaml"),
  [
    `ROOT_DIR: ${root}`,
    `WORKING_DIR: ${workingDir}`,
    `IMAGERY_STORAGE: ${path.join(root, "storage")}`,
    `DEPENDENCIES_DIR: ${path.join(root, "storage")}`,
    `SRTM_DIR: ${path.join(root, "storage")}`,
    "LOGGING_CONFIG: { console_level: WARNING }",
    'PROJECTION: "EPSG:3978"',
    "PARAMS: { LC8: { bands: [B4] } }",
    "CPU_CORES: 2",
    "MAX_CONCURRENT_JOBS: 8",
    `MAX_QUEUED_JOBS: ${SUBMISSIONS + 1}`,
    // Every client is the one anonymous owner here (authentication off): its own limit must not cut in.
    `MAX_QUEUED_JOBS_PER_OWNER: ${SUBMISSIONS + 1}`,
    "AUTH_DISABLED: true",
  ].join("\n"),
);

const server = spawn(
  process.execPath,
  [path.join(repo, "test", "load", "load-server.mjs"), path.join(root, "config.yaml")],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const { url } = JSON.parse(
  await new Promise((resolve, reject) => {
    readline.createInterface({ input: server.stdout }).once("line", resolve);
    server.once("exit", (code) => reject(new Error(`load server exited with ${code}`)));
  }),
);

const post = [];
const get = [];
const accepted = new Set();
const statuses = new Map();
const failures = [];
let next = 0;

async function timed(samples, request) {
  const started = performance.now();
  const res = await request();
  const body = await res.text();
  samples.push(performance.now() - started);
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  if (res.status >= 500) failures.push(`${res.status}: ${body.slice(0, 200)}`);
  return { res, body };
}

async function client() {
  while (next < SUBMISSIONS) {
    const n = next++;
    const { res, body } = await timed(post, () =>
      fetch(`${url}${JOBS}`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `load-${n}` },
        body: JSON.stringify({ imagery_list: [SCENES[n % 2]], resolution: 30, cores: 1 }),
      }),
    );
    if (res.status !== 202) continue;
    const { jobID } = JSON.parse(body);
    if (accepted.has(jobID)) failures.push(`job ${jobID} was handed out twice`);
    accepted.add(jobID);
    await timed(get, () => fetch(`${url}${JOBS}/${jobID}`));
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: CLIENTS }, client));
const submitSeconds = (performance.now() - started) / 1000;

// Wait for every accepted job to end, reading the API, not the disk.
const pending = new Set(accepted);
const terminal = new Map();
const deadline = Date.now() + 10 * 60_000;
while (pending.size > 0 && Date.now() < deadline) {
  for (const jobId of [...pending]) {
    const doc = await (await fetch(`${url}${JOBS}/${jobId}`)).json();
    if (["successful", "failed", "dismissed"].includes(doc.status)) {
      pending.delete(jobId);
      terminal.set(doc.status, (terminal.get(doc.status) ?? 0) + 1);
    }
  }
  if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
}
const drainSeconds = (performance.now() - started) / 1000;

const dirs = fs.readdirSync(workingDir).filter((name) => /^[0-9a-f-]{36}$/.test(name));
for (const dir of dirs)
  if (!accepted.has(dir)) failures.push(`directory ${dir} belongs to no accepted submission`);
for (const jobId of accepted)
  if (!dirs.includes(jobId)) failures.push(`accepted job ${jobId} has no directory`);
if (pending.size > 0) failures.push(`${pending.size} jobs never reached a terminal status`);

server.kill("SIGTERM");
fs.rmSync(root, { recursive: true, force: true });

const percentile = (samples, p) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const report = {
  submissions: SUBMISSIONS,
  clients: CLIENTS,
  accepted: accepted.size,
  jobDirectories: dirs.length,
  statuses: Object.fromEntries(statuses),
  terminal: Object.fromEntries(terminal),
  postPerSecond: post.length / submitSeconds,
  postMs: { p50: percentile(post, 50), p99: percentile(post, 99) },
  getMs: { p50: percentile(get, 50), p99: percentile(get, 99) },
  submitSeconds,
  drainSeconds,
  failures,
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const ms = (x) => `${x.toFixed(1)} ms`;
  console.log(`${SUBMISSIONS} submissions from ${CLIENTS} clients on loopback, ${os.cpus().length} CPUs`);
  console.log(
    `accepted ${report.accepted}, job directories ${report.jobDirectories}, answers ${JSON.stringify(report.statuses)}`,
  );
  console.log(
    `POST: ${report.postPerSecond.toFixed(0)}/s over ${submitSeconds.toFixed(1)} s, p50 ${ms(report.postMs.p50)}, p99 ${ms(report.postMs.p99)}`,
  );
  console.log(`GET:  p50 ${ms(report.getMs.p50)}, p99 ${ms(report.getMs.p99)}`);
  console.log(`all jobs ended after ${drainSeconds.toFixed(1)} s: ${JSON.stringify(report.terminal)}`);
  for (const failure of failures.slice(0, 20)) console.log(`FAIL ${failure}`);
}
process.exit(failures.length === 0 ? 0 : 1);
