// Benchmark: the local executor's pool. One job of many Landsat scenes through the job service, with its scenes
// one worker at a time (MAX_PARALLEL_SCENES 1, the old sequential behaviour: one process with all the job's
// threads) against the pool (MAX_PARALLEL_SCENES 2: min(2, scenes, cores) processes, each with floor(cores /
// pool) GDAL threads), the job asking for `cores` 2. Runs alternate between the two settings; the median of each
// is reported, with the speed-up and a verdict against the target (the pool at least 1.6x faster than sequential
// on small scenes).
//   npm run bench:pool                    (builds first; the synthetic scene is generated once into .cache/bench/)
//   BENCH_POOL_CORES=2                    the job's `cores`
//   BENCH_POOL_SMALL_RESOLUTION=240       output grid of the small scenes, in metres
//   BENCH_POOL_SMALL_REPEATS=3            runs of each setting on the small scenes
//   BENCH_POOL_FULL_SCENES=8              how many full-size synthetic scenes (0: that part is skipped)
//   BENCH_POOL_FULL_REPEATS=1             runs of each setting on them
// Small scenes: the three real Landsat fixtures (one Level-1, two Level-2; a few hundred pixels a side) copied
// into a temp root and cloned to 8 scenes (scripts/clone-landsat-scene.mjs), product dn (both levels give it), at
// 240 m as the pool and fan-out tests make them: at 30 m their few hundred coarse pixels a side would be warped onto
// a whole scene's grid, a full-size job.
// Full-size: the synthetic 7791 x 7951 px scene of bench-pipeline.mjs, cloned, product sr at 30 m. Bands B2 B3 B4,
// staging copy (the default: copy + tar.gz), delete_intermediate. Each job runs in a process of its own
// (bench-pool-job.mjs: createService with the local executor on dist/worker/main.js); its wall time is from the
// submission to the status `successful`, with the results published; CPU time and peak RSS are the kernel's
// accounting of that process and its workers.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_PROJECTION, measure } from "./bench-measure.mjs";
import { cloneLandsatScene } from "./clone-landsat-scene.mjs";
import { SYNTHETIC_SCENE, syntheticLandsatScene } from "./bench-pool-synthetic.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = path.join(repo, ".cache", "bench");
const fixtures = path.join(repo, "..", "shared", "fixtures", "storage", "l8-l2a-products", "tiles");
// The real fixtures, and how many scenes each gives (itself, then copies of it a day apart): 8 in all.
const SMALL_SCENES = [
  { id: "LC08_L1TP_016037_20170813_20170814_01_RT", path: "016", row: "037", copies: 2 },
  { id: "LC08_L2SP_017036_20130419_20200913_02_T2", path: "017", row: "036", copies: 3 },
  { id: "LC08_L2SP_001062_20201031_20201106_02_T2", path: "001", row: "062", copies: 3 },
];
const SMALL_COUNT = SMALL_SCENES.reduce((sum, scene) => sum + scene.copies, 0);
const TARGET = 1.6;
const SETTINGS = [1, 2];
const setting = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name}=${process.env[name]}: a whole number`);
  return value;
};
const CORES = setting("BENCH_POOL_CORES", 2);
const SMALL_RESOLUTION = setting("BENCH_POOL_SMALL_RESOLUTION", 240);
const SMALL_REPEATS = setting("BENCH_POOL_SMALL_REPEATS", 3);
const FULL_SCENES = setting("BENCH_POOL_FULL_SCENES", 8);
const FULL_REPEATS = setting("BENCH_POOL_FULL_REPEATS", 1);

const root = fs.mkdtempSync(path.join(os.tmpdir(), "agricarta-bench-pool-"));
process.on("exit", () => fs.rmSync(root, { recursive: true, force: true }));
const storage = path.join(root, "storage");
const sceneFolder = (scene) =>
  path.join(storage, "l8-l2a-products", "tiles", scene.path, scene.row, scene.id);

console.log(
  `\nlocal pool: one job, cores ${CORES}, MAX_PARALLEL_SCENES ${SETTINGS.join(" vs ")}; ` +
    `${os.availableParallelism()} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
);
const small = await benchScenes({
  title: `${SMALL_COUNT} small real scenes (3 fixtures cloned) @ ${SMALL_RESOLUTION} m, product dn`,
  scenes: await smallScenes(),
  resolution: SMALL_RESOLUTION,
  product: "dn",
  repeats: SMALL_REPEATS,
  warmUp: true,
});
const full =
  FULL_SCENES === 0
    ? undefined
    : await benchScenes({
        title: `${FULL_SCENES} full-size synthetic scenes (7791 x 7951 px) @ 30 m, product sr`,
        scenes: await fullScenes(),
        resolution: 30,
        product: "sr",
        repeats: FULL_REPEATS,
        warmUp: false,
      });

console.log("");
const parts = [
  ["small", small],
  ["full-size", full],
].filter(([, result]) => result !== undefined);
for (const [what, result] of parts) {
  console.log(
    `${what} scenes: pooled ${result.speedUp.toFixed(2)}x faster than sequential (medians); ` +
      `MAX_PARALLEL_SCENES ${result.winner} won`,
  );
}
console.log(
  `verdict: the pool is ${small.speedUp.toFixed(2)}x faster than sequential on small scenes on ${CORES} cores: ` +
    `${small.speedUp >= TARGET ? "meets" : "misses"} the ${TARGET}x target`,
);
const winners = new Set(parts.map(([, result]) => result.winner));
console.log(
  winners.size === 1
    ? `local default (LOCAL_POOL_DEFAULT): MAX_PARALLEL_SCENES ${[...winners][0]} won on every part`
    : "local default (LOCAL_POOL_DEFAULT): the parts disagree (see above)",
);

/** Runs the same job with each setting, alternating, and prints each run and the medians. */
async function benchScenes({ title, scenes, resolution, product, repeats, warmUp }) {
  const configs = Object.fromEntries(SETTINGS.map((n) => [n, writeConfig(n, product)]));
  if (warmUp) runJob(configs[SETTINGS.at(-1)], scenes, resolution, "warm-up");
  const runs = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    // ABBA: neither setting always runs first, on a warmer or a busier machine.
    const order = repeat % 2 === 0 ? SETTINGS : [...SETTINGS].reverse();
    for (const parallel of order) {
      const run = runJob(
        configs[parallel],
        scenes,
        resolution,
        `MAX_PARALLEL_SCENES ${parallel}, run ${repeat + 1}`,
      );
      runs.push({ parallel, ...run });
    }
  }
  console.log(`\n${title}`);
  console.log(
    `${"run".padEnd(34)}${"job wall s".padStart(11)}${"cpu s".padStart(9)}${"peak RSS GiB".padStart(14)}` +
      `${"at once".padStart(9)}${"task s".padStart(9)}${"no task s".padStart(11)}${"other cpu s".padStart(13)}`,
  );
  for (const r of runs) {
    console.log(
      `${r.what.padEnd(34)}${r.wall.toFixed(2).padStart(11)}${r.cpu.toFixed(1).padStart(9)}` +
        `${(r.maxRssKb / 2 ** 20).toFixed(2).padStart(14)}${String(r.atOnce).padStart(9)}` +
        `${r.taskSeconds.toFixed(2).padStart(9)}${r.noTaskSeconds.toFixed(2).padStart(11)}` +
        `${r.otherCpu.toFixed(1).padStart(13)}`,
    );
  }
  const medians = Object.fromEntries(
    SETTINGS.map((n) => [n, median(runs.filter((r) => r.parallel === n).map((r) => r.wall))]),
  );
  console.log(
    "job wall: submission to status successful (published); cpu, peak RSS: the job's process and its workers; " +
      "at once: most tasks running together; task s: a task's mean length; no task s: time of the job with no " +
      "task running; other cpu s: CPU the rest of the machine used meanwhile (others' work disturbs the figures)",
  );
  // The fastest run of each is the one least disturbed by whatever else the machine did.
  const fastest = Object.fromEntries(
    SETTINGS.map((n) => [n, Math.min(...runs.filter((r) => r.parallel === n).map((r) => r.wall))]),
  );
  for (const n of SETTINGS) {
    console.log(
      `job wall, MAX_PARALLEL_SCENES ${n}: median ${medians[n].toFixed(2)} s, fastest ${fastest[n].toFixed(2)} s`,
    );
  }
  const speedUp = medians[SETTINGS[0]] / medians[SETTINGS.at(-1)];
  console.log(
    `speed-up pooled / sequential: ${speedUp.toFixed(2)}x of the medians, ` +
      `${(fastest[SETTINGS[0]] / fastest[SETTINGS.at(-1)]).toFixed(2)}x of the fastest runs`,
  );
  const winner = SETTINGS.reduce((best, n) => (medians[n] < medians[best] ? n : best));
  return { speedUp, winner };
}

/** One job in a process of its own; its outputs are removed afterwards. */
function runJob(configPath, scenes, resolution, what) {
  const report = path.join(root, "report.json");
  const busyBefore = machineBusySeconds();
  const figures = measure(what, process.execPath, [
    path.join(repo, "scripts", "bench-pool-job.mjs"),
    configPath,
    report,
    String(resolution),
    String(CORES),
    ...scenes,
  ]);
  const otherCpu = machineBusySeconds() - busyBefore - figures.cpu;
  const job = JSON.parse(fs.readFileSync(report, "utf8"));
  if (job.status !== "successful") throw new Error(`${what}: the job ended ${job.status}: ${job.message}`);
  fs.rmSync(path.join(root, "work", job.jobId), { recursive: true, force: true });
  fs.rmSync(path.join(storage, "agricarta"), { recursive: true, force: true });
  return {
    what,
    wall: job.wall,
    cpu: figures.cpu,
    maxRssKb: figures.maxRssKb,
    otherCpu,
    ...taskFigures(job),
  };
}

/** CPU seconds the whole machine has been busy since boot (/proc/stat: all but idle and iowait). */
function machineBusySeconds() {
  const [, ...ticks] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / 100; // USER_HZ
}

/**
 * From the tasks' recorded start and end times: the most that ran at once, their mean length, and how long of
 * the job no task was running (workers starting before their task does, the API starting the next, finishing).
 */
function taskFigures(job) {
  const events = job.tasks.flatMap((t) => [
    { at: Date.parse(t.started), step: 1 },
    { at: Date.parse(t.finished), step: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let atOnce = 0;
  let idleMs = 0;
  let last = Date.parse(job.submitted);
  for (const event of events) {
    if (now === 0) idleMs += event.at - last;
    now += event.step;
    atOnce = Math.max(atOnce, now);
    last = event.at;
  }
  idleMs += Date.parse(job.ended) - last;
  const spans = job.tasks.map((t) => Date.parse(t.finished) - Date.parse(t.started));
  return {
    atOnce,
    taskSeconds: spans.reduce((a, b) => a + b, 0) / spans.length / 1000,
    noTaskSeconds: idleMs / 1000,
  };
}

/** The fixtures copied into the temp root and cloned a day apart, taken in turn: SMALL_COUNT scenes. */
async function smallScenes() {
  const ids = [];
  for (let day = 0; ids.length < SMALL_COUNT; day++) {
    for (const scene of SMALL_SCENES.filter((s) => day < s.copies)) {
      if (day === 0) copyScene(path.join(fixtures, scene.path, scene.row, scene.id), scene);
      ids.push(day === 0 ? scene.id : await cloneLandsatScene(sceneFolder(scene), day));
    }
  }
  return ids;
}

/** The synthetic scene (generated once into the cache) copied into the temp root and cloned. */
async function fullScenes() {
  copyScene(syntheticLandsatScene(repo, cache), SYNTHETIC_SCENE);
  fs.rmSync(path.join(sceneFolder(SYNTHETIC_SCENE), ".complete"));
  const ids = [SYNTHETIC_SCENE.id];
  for (let day = 1; day < FULL_SCENES; day++)
    ids.push(await cloneLandsatScene(sceneFolder(SYNTHETIC_SCENE), day));
  return ids;
}

/** A scene folder copied into the root's storage, writable (the shared fixtures are read-only). */
function copyScene(from, scene) {
  const to = sceneFolder(scene);
  fs.cpSync(from, to, { recursive: true });
  fs.chmodSync(to, 0o755);
  for (const name of fs.readdirSync(to)) fs.chmodSync(path.join(to, name), 0o644);
}

/** A config for the temp root, as the test sandbox writes it, with the pool's setting. */
function writeConfig(parallel, product) {
  const file = path.join(root, `config-${product}-${parallel}.yaml`);
  const lines = [
    `ROOT_DIR: ${root}`,
    `WORKING_DIR: ${path.join(root, "work")}`,
    `IMAGERY_STORAGE: ${storage}`,
    `DEPENDENCIES_DIR: ${path.join(storage, "required_datasets")}`,
    `SRTM_DIR: ${path.join(storage, "required_datasets", "dem", "SRTM41")}`,
    "LOGGING_CONFIG:\n  console_level: CRITICAL\n  file_level: DEBUG",
    `PROJECTION: ${JSON.stringify(BENCH_PROJECTION)}`,
    `PARAMS:\n  LC8:\n    bands: [B2, B3, B4]\n    product: ${product}\n    resamp_clip: true`,
    "AUTH_DISABLED: true",
    `CPU_CORES: ${CORES}`,
    `MAX_PARALLEL_SCENES: ${parallel}`,
  ];
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
