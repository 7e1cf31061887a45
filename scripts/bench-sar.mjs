// Benchmark: full-size synthetic radar products through the pipeline against gdalwarp -rpc, a row per sensor, in
// one run.
//   npm run bench:sar                  (builds first; each product is generated once into .cache/bench/)
//   BENCH_SAR_SENSORS=rs2,rcm          which sensors, in order (default both)
//   BENCH_SAR_SIZE=3000x3500 ...       samples x lines of every product, for a quicker run (defaults: RADARSAT-2
//                                      12000x14000, RCM 4800x5600)
//   BENCH_SRTM_DIR=...                 where N50E008.hgt and N50E009.hgt are (default ../shared/fixtures/...)
// RADARSAT-2 (bench-sar-rs2.mjs) is a W2 SGF with HH and HV, RCM (bench-sar-rcm.mjs) a 16M GRD with VV and VH,
// both UInt16 under product.xml, LUTs and an RPC model over the SRTM tiles. For each it times (a) the pipeline
// making sigma0 dB COGs of both channels (calibration and Gamma-MAP 7 x 7 in the product's geometry, a warp over
// the plan's ellipsoidal DEM, dB, COG with overviews), stage by stage, (b) the same plan without a filter, its
// prepare steps only, which splits calibration from filtering, and (c) gdalwarp -rpc of both channels to GeoTIFF
// over the same DEM, grid and threads: GDAL's calibrated subdataset for RADARSAT-2, the uncalibrated images for
// RCM (GDAL 3.6 has no RCM driver). Each is a process of its own; the kernel accounts its wall, CPU and peak RSS.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import gdal from "gdal-async";
import { BENCH_PROJECTION, measure, printTable } from "./bench-measure.mjs";
import { rcmBench } from "./bench-sar-rcm.mjs";
import { printRatios, printStages } from "./bench-sar-report.mjs";
import { rs2Bench } from "./bench-sar-rs2.mjs";
import { FLOAT32_NODATA } from "../dist/pipeline/band-conversion.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = path.join(repo, ".cache", "bench");
const BENCHES = { rs2: rs2Bench, rcm: rcmBench };
const sensors = (process.env.BENCH_SAR_SENSORS ?? "rs2,rcm").split(",").map((s) => s.trim().toLowerCase());
const size = process.env.BENCH_SAR_SIZE?.split("x").map(Number);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const RESOLUTION = 30;
const SRTM_DIR = path.resolve(
  process.env.BENCH_SRTM_DIR ??
    path.join(repo, "..", "shared", "fixtures", "storage", "required_datasets", "dem", "SRTM41"),
);

if (sensors.length === 0 || !sensors.every((s) => Object.hasOwn(BENCHES, s)))
  throw new Error(`BENCH_SAR_SENSORS=${process.env.BENCH_SAR_SENSORS}: a list of rs2 and rcm, e.g. rs2,rcm`);
if (size !== undefined && !(size.length === 2 && size.every((n) => Number.isInteger(n) && n >= 16)))
  throw new Error(`BENCH_SAR_SIZE=${process.env.BENCH_SAR_SIZE}: samples x lines, e.g. 3000x3500`);
if (!["N50E008", "N50E009"].every((tile) => fs.existsSync(path.join(SRTM_DIR, `${tile}.hgt`)))) {
  // Written at once: process.exit does not wait for a piped stderr.
  fs.writeSync(
    2,
    `bench sar: no SRTM tiles (N50E008.hgt, N50E009.hgt) in ${SRTM_DIR}. They are not in the repository: ` +
      "set BENCH_SRTM_DIR to a folder holding them (the shared fixtures' storage/required_datasets/dem/SRTM41).\n",
  );
  process.exit(1);
}
for (const key of sensors) await benchSensor(BENCHES[key]);

/** One sensor's row: its product (generated once), the pipeline, calibration alone and the baseline. */
async function benchSensor(bench) {
  const [samples, lines] = size ?? bench.defaultSize;
  const productDir = path.join(cache, `${bench.key}-${samples}x${lines}`, bench.product);
  generateOnce(bench, productDir, samples, lines);
  const run = path.join(cache, `${bench.key}-run`);
  fs.rmSync(run, { recursive: true, force: true });
  const scene = (mode) => {
    const workDir = path.join(run, mode);
    fs.mkdirSync(workDir, { recursive: true });
    const report = path.join(workDir, "report.json");
    const args = [
      bench.key,
      mode,
      productDir,
      SRTM_DIR,
      workDir,
      String(RESOLUTION),
      String(THREADS),
      report,
    ];
    const what =
      mode === "pipeline" ? `pipeline sigma0 dB COG @ ${RESOLUTION} m` : "calibrate only (filter none)";
    const figures = measure(what, process.execPath, [
      path.join(repo, "scripts", "bench-sar-scene.mjs"),
      ...args,
    ]);
    return { figures, workDir, ...JSON.parse(fs.readFileSync(report, "utf8")) };
  };
  const pipeline = scene("pipeline");
  const calibrate = scene("calibrate");
  const baselineFile = path.join(run, "baseline.tif");
  const source = await bench.baseline(productDir, run);
  const baseline = measure(`${source.what} @ ${RESOLUTION} m`, "gdalwarp", [
    ...["-q", "-overwrite", "-of", "GTiff", "-t_srs", BENCH_PROJECTION, "-tap", "-r", "bilinear"],
    ...["-tr", String(RESOLUTION), String(RESOLUTION), "-dstnodata", String(FLOAT32_NODATA)],
    ...["-multi", "-wo", `NUM_THREADS=${THREADS}`, ...pipeline.transformer, ...source.args],
    source.source,
    baselineFile,
  ]);

  printTable(
    `${bench.title(samples, lines)}, to ${RESOLUTION} m; ${THREADS} threads, ${os.cpus().length} CPUs`,
    [pipeline.figures, calibrate.figures, baseline],
  );
  printStages(pipeline, calibrate);
  const outputs = fs
    .readdirSync(path.join(pipeline.workDir, "output", bench.product))
    .filter((f) => f.endsWith(".tif"));
  console.log(
    `grid: pipeline ${sizeOf(path.join(pipeline.workDir, "output", bench.product, outputs[0]))} px per band ` +
      `(shared extent), gdalwarp ${sizeOf(baselineFile)} px x 2 bands`,
  );
  console.log(source.note);
  for (const note of pipeline.notes) console.log(`plan note: ${note}`);
  printRatios(bench, pipeline, calibrate, baseline);
  fs.rmSync(run, { recursive: true, force: true });
}

/** The product folder, once per sensor and size; .complete marks one whose writing finished. */
function generateOnce(bench, productDir, samples, lines) {
  const done = path.join(productDir, ".complete");
  if (fs.existsSync(done)) return;
  fs.rmSync(productDir, { recursive: true, force: true });
  fs.mkdirSync(productDir, { recursive: true });
  process.stderr.write(`generating the synthetic product in ${path.relative(repo, productDir)} (once)\n`);
  bench.generate(productDir, samples, lines);
  fs.writeFileSync(done, new Date().toISOString());
}

function sizeOf(file) {
  const dataset = gdal.open(file);
  try {
    return `${dataset.rasterSize.x} x ${dataset.rasterSize.y}`;
  } finally {
    dataset.close();
  }
}
