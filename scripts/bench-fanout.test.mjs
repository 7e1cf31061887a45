// Benchmark: the API side of a fan-out on Kubernetes. The built server (dist/server.js, EXECUTOR kubernetes, as
// test/cluster/fan-out.test.ts configures it, MAX_PARALLEL_SCENES 50 so that every scene pod can exist at once)
// against a real kube-apiserver and Job controller (test/cluster/helpers), given one job of 50 scenes. A stand-in
// kubelet ends every new worker pod at once: it writes that task's successful task document (as
// test/fixtures/workers/succeed.mjs does, plus one small output file so that the job has something to publish)
// and reports the pod Succeeded. No worker runs: what is measured is the API.
//   npm run bench:fanout          (sets up the control plane's tools once, builds, runs this file with vitest)
//   BENCH_FANOUT_SCENES=50        scenes in the job
//   BENCH_FANOUT_JOBS=3           jobs, one after another on the same server (the first is the cold one)
// For each job: the API process's CPU time (utime + stime from /proc/<pid>/stat) from just before the POST to the
// job's status `successful` (assembled and published), per scene; and the wall time over the same span, with
// when the last scene pod appeared and when the last one was ended. Targets: at most 50 ms of API CPU per scene.
// The control plane and the stand-in kubelet share the machine's cores with the API.
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { WORKER_SELECTOR } from "../dist/executors/kubernetes/worker-job.js";
import { JobStore } from "../dist/jobs/job-store.js";
import { startControlPlane } from "../test/cluster/helpers/control-plane.ts";
import { endPod } from "../test/cluster/helpers/fake-kubelet.ts";
import {
  NAMESPACE,
  apis,
  deployExecutorOverlay,
  kubeConfigFor,
  useKubernetesExecutor,
} from "../test/cluster/helpers/kube.ts";
import { createSandbox } from "../test/helpers/sandbox.ts";
import { startServer } from "../test/helpers/server-process.ts";

const SCENES = Number(process.env.BENCH_FANOUT_SCENES ?? 50);
const JOBS = Number(process.env.BENCH_FANOUT_JOBS ?? 3);
const TARGET_MS = 50;
const CLOCK_TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux
const IDLE_MS = 5_000;

let plane;
let sandbox;
let server;

beforeAll(async () => {
  plane = await startControlPlane();
  const { kubeconfigFile } = await deployExecutorOverlay(plane);
  sandbox = await createSandbox({
    scenes: [],
    configLines: [
      "LOGGING_CONFIG: { console_level: INFO, file_level: DEBUG }",
      `MAX_PARALLEL_SCENES: ${SCENES}`,
      `MAX_SCENES_PER_JOB: ${Math.max(100, SCENES)}`,
    ],
  });
  await useKubernetesExecutor(sandbox, kubeconfigFile);
}, 180_000);

afterAll(async () => {
  await server?.stop("SIGKILL");
  await plane?.stop();
  await sandbox?.remove();
});

it(`measures the API's CPU per scene and the time to publication of ${SCENES}-scene jobs`, async () => {
  const { core, batch } = apis(kubeConfigFor(plane, plane.adminToken, NAMESPACE));
  const kubelet = runStandInKubelet(core);
  server = await startServer(sandbox);
  // Settled: connected, the Job informer synced; then how much CPU the idle API uses, for comparison.
  await sleep(2_000);
  const idleFrom = cpuMs(server.pid);
  await sleep(IDLE_MS);
  const idleRate = (cpuMs(server.pid) - idleFrom) / IDLE_MS;

  const runs = [];
  const from = Date.now();
  try {
    for (let n = 0; n < JOBS; n++) runs.push(await runJob(server, kubelet, batch, n));
  } finally {
    await kubelet.stop();
  }
  expect(kubelet.errors).toEqual([]);
  // Warnings and errors the API logged during the jobs (pino levels: 40 warn, 50 error, 60 fatal).
  const warnings = (await fs.readFile(path.join(sandbox.root, "server.log"), "utf8"))
    .split("\n")
    .filter((line) => /"level":[4-6]0/.test(line) && Number(/"time":(\d+)/.exec(line)?.[1]) >= from);

  const lines = [
    "",
    `API side of a ${SCENES}-scene fan-out: the built server, EXECUTOR kubernetes, MAX_PARALLEL_SCENES ${SCENES}, ` +
      `kube-apiserver 1.20 and the Job controller on this machine (${os.availableParallelism()} CPUs), ` +
      "pods ended by a stand-in kubelet as soon as they appear; log level INFO",
    `${"job".padEnd(12)}${"API cpu ms".padStart(11)}${"ms/scene".padStart(10)}${"wall s".padStart(9)}` +
      `${"Job made s".padStart(12)}${"pod seen s".padStart(12)}${"pod ended s".padStart(13)}` +
      `${"Job done s".padStart(12)}`,
    ...runs.map(
      (r) =>
        `${`${r.n + 1}${r.n === 0 ? " (cold)" : ""}`.padEnd(12)}${r.cpuMs.toFixed(0).padStart(11)}` +
        `${(r.cpuMs / SCENES).toFixed(1).padStart(10)}${(r.wallMs / 1000).toFixed(2).padStart(9)}` +
        `${(r.lastCreatedMs / 1000).toFixed(0).padStart(12)}${(r.lastPodMs / 1000).toFixed(2).padStart(12)}` +
        `${(r.lastEndMs / 1000).toFixed(2).padStart(13)}${(r.lastCompletedMs / 1000).toFixed(0).padStart(12)}`,
    ),
    `idle API: ${(idleRate * 1000).toFixed(1)} ms of CPU per second (measured over ${IDLE_MS / 1000} s before the first job)`,
    "wall: from the POST to status.json saying successful (results published). From the POST too, for the last " +
      "of the job's scenes: Job made / Job done, its creation and completion times as the cluster records them (to " +
      "the second); pod seen / pod ended, when the stand-in kubelet saw its pod and reported it Succeeded",
    `API log during the jobs: ${warnings.length} warning or error line(s)${warnings.length === 0 ? "" : `, the first: ${warnings[0]}`}`,
  ];
  const worst = Math.max(...runs.map((r) => r.cpuMs / SCENES));
  const perScene = runs.map((r) => r.cpuMs / SCENES).sort((a, b) => a - b);
  const median = perScene[Math.floor(perScene.length / 2)];
  lines.push(
    `verdict: API CPU per scene ${median.toFixed(1)} ms (median), ${worst.toFixed(1)} ms (worst) of ${JOBS} job(s): ` +
      `${worst <= TARGET_MS ? "meets" : "misses"} the target of at most ${TARGET_MS} ms per scene`,
  );
  console.log(lines.join("\n"));
});

/** One job: submitted, ended pod by pod by the stand-in kubelet, waited for until it is published. */
async function runJob(server, kubelet, batch, n) {
  const scenes = Array.from({ length: SCENES }, (_, i) => sceneId(n * SCENES + i));
  kubelet.expect(scenes);
  const cpuBefore = cpuMs(server.pid);
  const postedAt = Date.now();
  const started = performance.now();
  kubelet.reset(started);
  const response = await fetch(`${server.url}/agricarta/preprocessing`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ imagery_list: scenes, resolution: 240, cores: 1 }),
  });
  expect(response.status).toBe(202);
  const { jobID } = await response.json();
  // The status file, read from disk rather than asked of the API, so that waiting costs the API nothing.
  const statusFile = path.join(sandbox.workingDir, jobID, "status.json");
  const deadline = Date.now() + 600_000;
  let status;
  for (;;) {
    status = JSON.parse(await fs.readFile(statusFile, "utf8").catch(() => "{}"));
    if (["successful", "failed", "dismissed"].includes(status.status)) break;
    if (Date.now() > deadline) throw new Error(`job ${jobID} not ended after 600 s`);
    await sleep(20);
  }
  const wallMs = performance.now() - started;
  const cpu = cpuMs(server.pid) - cpuBefore;
  expect(status).toMatchObject({ status: "successful", message: `Processed ${SCENES} scene(s)` });
  const published = path.join(sandbox.storage, "agricarta", "preprocessing", jobID);
  expect((await fs.readdir(path.join(published, "output", "preprocess"))).length).toBe(SCENES);
  // The Jobs' own times, to the second: when the API created the last one, when the Job controller completed it.
  const jobs = (
    await batch.listNamespacedJob({ namespace: NAMESPACE, labelSelector: `agricarta.io/job-id=${jobID}` })
  ).items;
  expect(jobs).toHaveLength(SCENES);
  // Kubernetes keeps these to the second, truncated: a Job made within the POST's second may read earlier.
  const latest = (times) => Math.max(0, Math.max(...times.map((t) => t?.getTime() ?? NaN)) - postedAt);
  return {
    n,
    cpuMs: cpu,
    wallMs,
    lastPodMs: kubelet.lastSeenMs(),
    lastEndMs: kubelet.lastEndedMs(),
    lastCreatedMs: latest(jobs.map((j) => j.metadata?.creationTimestamp)),
    lastCompletedMs: latest(jobs.map((j) => j.status?.completionTime)),
  };
}

/** Distinct Landsat 8 ids (path 001-233, row 037): the scenes are never read, so they need not exist. */
function sceneId(i) {
  const wrsPath = String((i % 233) + 1).padStart(3, "0");
  const day = String(1 + Math.floor(i / 233)).padStart(2, "0");
  return `LC08_L1TP_${wrsPath}037_201708${day}_20170901_01_RT`;
}

/** utime + stime of a process, in ms. */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command: state is field 3, utime 14 and stime 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * Plays the kubelet for every new worker pod, at once: writes its task's successful document and one output,
 * then reports the pod Succeeded.
 */
function runStandInKubelet(core) {
  const seen = new Set();
  const errors = [];
  let ids = [];
  let since = 0;
  let lastSeen = 0;
  let lastEnded = 0;
  let stopped = false;
  const inFlight = new Set();
  const loop = (async () => {
    while (!stopped) {
      const pods = await core
        .listNamespacedPod({ namespace: NAMESPACE, labelSelector: WORKER_SELECTOR })
        .catch(() => undefined);
      for (const pod of pods?.items ?? []) {
        const name = pod.metadata?.name ?? "";
        if (seen.has(name) || pod.status?.phase !== "Pending" || pod.metadata?.deletionTimestamp) continue;
        seen.add(name);
        lastSeen = performance.now();
        const done = finishPod(core, pod, ids)
          .then(() => {
            lastEnded = performance.now();
          })
          .catch((error) => errors.push(`${name}: ${error.message}`))
          .finally(() => inFlight.delete(done));
        inFlight.add(done);
      }
      await sleep(50);
    }
  })();
  return {
    errors,
    expect(scenes) {
      ids = scenes;
    },
    reset(at) {
      since = at;
    },
    lastSeenMs: () => lastSeen - since,
    lastEndedMs: () => lastEnded - since,
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
    },
  };
}

/** What a worker that succeeds leaves, then the pod's end as a kubelet reports it. */
async function finishPod(core, pod, ids) {
  const args = pod.spec?.containers[0]?.args ?? [];
  const option = (name) => Number(args[args.indexOf(name) + 1]);
  const jobDir = args[0];
  const index = option("--task");
  const store = new JobStore(path.dirname(jobDir));
  const jobId = path.basename(jobDir);
  const id = ids[index] ?? String(index);
  const output = path.join("output", "preprocess", id, `${id}_B4.tif`);
  await fs.mkdir(path.dirname(path.join(jobDir, output)), { recursive: true });
  await fs.writeFile(path.join(jobDir, output), "stand-in output\n");
  const now = new Date().toISOString();
  await store.writeTask(jobId, {
    index,
    attempt: option("--attempt"),
    status: "successful",
    message: "Preprocessed",
    outputs: [output],
    percent: 100,
    started: now,
    updated: now,
    finished: now,
    log: { staging: [`Image: ${id} FOUND`], processing: [`Image: ${id} PREPROCESSED`] },
    seconds: 0,
  });
  await endPod(core, pod, { exitCode: 0 });
}
