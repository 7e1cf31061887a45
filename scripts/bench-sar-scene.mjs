// One radar product (RADARSAT-2 or RCM) through its sensor's plan and the pipeline, as the worker runs it, with
// the wall and CPU time of each stage; used by bench-sar.mjs as a process of its own.
//   node scripts/bench-sar-scene.mjs <rs2|rcm> <pipeline|calibrate> <product dir> <SRTM dir> <work dir>
//     <resolution> <threads> <report.json>
// pipeline: both channels (HH and HV, VV and VH) to sigma0 in dB, Gamma-MAP 7 x 7, terrain corrected, as COGs in
// <work dir>/output; the RCM plan removes no noise (PARAMS.RCM.noise_removal's default); the
// DEM the plan writes stays in <work dir>/scratch for the gdalwarp baseline. calibrate: the same plan without
// a filter, and only its prepare steps (calibration alone), so that the filter's share is the difference.
// The stages are timed by wrapping gdal-async's warpAsync and translateAsync (the pipeline calls them through
// the module's one object) and each band's prepare step; process.cpuUsage() counts all the process's threads.
import fs from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import gdal from "gdal-async";
import { BENCH_PROJECTION } from "./bench-measure.mjs";
import { radarsat2Sensor } from "../dist/imagery/radarsat2/radarsat2-sensor.js";
import { rcmSensor } from "../dist/imagery/rcm/rcm-sensor.js";
import { preprocessScene } from "../dist/pipeline/preprocess-scene.js";

const SENSORS = {
  rs2: { sensor: radarsat2Sensor, bands: ["HH", "HV"] },
  rcm: { sensor: rcmSensor, bands: ["VV", "VH"] },
};
const [sensorKey, mode, productDir, srtmDir, workDir, resolution, threads, report] = process.argv.slice(2);
if (!Object.hasOwn(SENSORS, sensorKey)) throw new Error(`sensor ${sensorKey}: rs2 or rcm`);
if (mode !== "pipeline" && mode !== "calibrate") throw new Error(`mode ${mode}: pipeline or calibrate`);
const { sensor, bands: channels } = SENSORS[sensorKey];
const started = mark();
const stages = new Map();
/** Stages running now: a GDAL step inside one (a DEM made by a warp) belongs to it, not a stage of its own. */
let running = 0;
gdal.config.set("GDAL_NUM_THREADS", threads);
gdal.config.set("GDAL_CACHEMAX", "256"); // as the worker sets it
timeGdalSteps();

const scene = sensor.parseId(path.basename(productDir));
const scratchDir = path.join(workDir, "scratch");
await fs.mkdir(scratchDir, { recursive: true });
const filter = mode === "pipeline" ? "gamma" : "none";
const plan = await timed("plan + ellipsoidal DEM", () =>
  sensor.plan(productDir, scene, {
    bands: channels,
    product: "sigma0",
    reflectanceType: "int16",
    radar: { calibration: "sigma0", filter, window: 7, units: "dB", modes: undefined },
    srtmDir,
    scratchDir,
  }),
);
const prepareStage = mode === "pipeline" ? "calibrate + gamma filter" : "calibrate";
const bands = plan.bands.map((band) => ({
  ...band,
  prepare: { ...band.prepare, run: (target, n) => timed(prepareStage, () => band.prepare.run(target, n)) },
}));
if (mode === "pipeline") {
  await preprocessScene({
    sceneId: scene.id,
    bands,
    resampling: "bilinear",
    resampClip: true,
    outputRoot: path.join(workDir, "output"),
    grid: { projection: BENCH_PROJECTION, resolution: Number(resolution) },
    threads: Number(threads),
    scratchDir,
  });
} else {
  for (const band of bands) {
    const target = path.join(scratchDir, `${scene.id}_${band.band}.calibrated.tif`);
    await band.prepare.run(target, Number(threads));
    await fs.rm(target, { force: true });
  }
}
const total = since(started);
await fs.writeFile(
  report,
  JSON.stringify({
    stages: [...stages].map(([name, figures]) => ({ name, ...figures })),
    total: { ...total, peakRssKb: process.resourceUsage().maxRSS },
    transformer: plan.bands[0].transformer,
    notes: plan.notes ?? [],
  }),
);

/**
 * The pipeline's GDAL steps as stages: a warp to a file (not the virtual ones that find extents), the COG
 * written from it, and between the two the conversion of the warped power to dB (warp-band.ts's afterWarp,
 * which ends where the VRT view of the warped file is made).
 */
function timeGdalSteps() {
  const { warpAsync, translateAsync } = gdal;
  let warped;
  gdal.warpAsync = async (...args) => {
    if (running > 0 || formatOf(args[3]) === "VRT") return warpAsync.apply(gdal, args);
    const result = await timed("warp (RPC + DEM)", () => warpAsync.apply(gdal, args));
    warped = mark();
    return result;
  };
  gdal.translateAsync = async (...args) => {
    if (running > 0) return translateAsync.apply(gdal, args);
    if (formatOf(args[2]) === "COG") return timed("COG", () => translateAsync.apply(gdal, args));
    if (warped !== undefined) record("dB (after warp)", since(warped));
    warped = undefined;
    return translateAsync.apply(gdal, args);
  };
}

function formatOf(args) {
  const at = (args ?? []).indexOf("-of");
  return at < 0 ? undefined : args[at + 1];
}

async function timed(stage, run) {
  const start = mark();
  running++;
  try {
    return await run();
  } finally {
    running--;
    record(stage, since(start));
  }
}

function record(stage, { wall, cpu }) {
  const sum = stages.get(stage) ?? { wall: 0, cpu: 0, calls: 0 };
  stages.set(stage, {
    wall: sum.wall + wall,
    cpu: sum.cpu + cpu,
    calls: sum.calls + 1,
    // The process's peak so far: which stage first reached the peak shows where memory goes.
    peakRssKb: process.resourceUsage().maxRSS,
  });
}

function mark() {
  return { at: performance.now(), cpu: process.cpuUsage() };
}

function since(start) {
  const cpu = process.cpuUsage(start.cpu);
  return { wall: (performance.now() - start.at) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}
