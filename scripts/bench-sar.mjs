// Benchmark: a full-size RADARSAT-2 wide-beam SGF product through the pipeline against gdalwarp -rpc, in one
// run.
//   npm run bench:sar                  (builds first; the product is generated once into .cache/bench/)
//   BENCH_SAR_SIZE=3000x3500 ...       samples x lines, for a quicker run (default 12000x14000)
//   BENCH_SRTM_DIR=...                 where N50E008.hgt and N50E009.hgt are (default ../shared/fixtures/...)
// The product is synthetic: product.xml, LUTs and an RPC model as the tests' (from
// synthetic-radarsat2-product.mjs), over a W2-sized footprint at 12.5 m spacing centred where the two SRTM
// tiles meet (the other tiles it reaches are missing, as at a coast, and taken as flat), with HH and HV as
// UInt16 strips. It times (a) the pipeline making sigma0 dB COGs of both (calibration and Gamma-MAP 7 x 7 in
// the product's geometry, a warp over the plan's ellipsoidal DEM, dB, COG with overviews), stage by stage,
// (b) the same plan without a filter, its prepare steps only, which splits calibration from filtering, and
// (c) gdalwarp -rpc of GDAL's calibrated subdataset (RADARSAT_2_CALIB:SIGMA0, both polarisations) to GeoTIFF
// over the same DEM, grid and threads. Each is a process of its own; the kernel accounts its wall, CPU and
// peak RSS.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import gdal from "gdal-async";
import { BENCH_PROJECTION, measure, printTable } from "./bench-measure.mjs";
import { FLOAT32_NODATA } from "../dist/pipeline/band-conversion.js";
import {
  gamma,
  LUT_FILES,
  lutXml,
  mulberry32,
  productXmlText,
  SYNTHETIC_GAINS,
  SYNTHETIC_LUT_OFFSET,
  syntheticGeometry,
} from "./synthetic-radarsat2-product.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = path.join(repo, ".cache", "bench");
const [SAMPLES, LINES] = (process.env.BENCH_SAR_SIZE ?? "12000x14000").split("x").map(Number);
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const RESOLUTION = 30;
const PRODUCT = "RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF";
const POLARISATIONS = ["HH", "HV"];
/** Wide-beam SGF: 12.5 m pixel and line spacing, 1 x 4 looks, 30.5° to 39.5° incidence. */
const SPACING = 12.5;
const LOOKS = { range: 1, azimuth: 4 };
/** Terrain h metres high moves a pixel h / tan(35°) metres in ground range, at mid-swath. */
const METRES_PER_SAMPLE_SHIFT = SPACING * Math.tan((35 * Math.PI) / 180);
const SRTM_DIR = path.resolve(
  process.env.BENCH_SRTM_DIR ??
    path.join(repo, "..", "shared", "fixtures", "storage", "required_datasets", "dem", "SRTM41"),
);
const productDir = path.join(cache, `rs2-${SAMPLES}x${LINES}`, PRODUCT);
const run = path.join(cache, "rs2-run");

if (![SAMPLES, LINES].every((n) => Number.isInteger(n) && n >= 16))
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
generateProduct();
fs.rmSync(run, { recursive: true, force: true });
const scene = (mode) => {
  const workDir = path.join(run, mode);
  fs.mkdirSync(workDir, { recursive: true });
  const report = path.join(workDir, "report.json");
  const args = [mode, productDir, SRTM_DIR, workDir, String(RESOLUTION), String(THREADS), report];
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
const baseline = measure(`gdalwarp -rpc baseline @ ${RESOLUTION} m`, "gdalwarp", [
  ...["-q", "-overwrite", "-of", "GTiff", "-t_srs", BENCH_PROJECTION, "-tap", "-r", "bilinear"],
  ...["-tr", String(RESOLUTION), String(RESOLUTION), "-dstnodata", String(FLOAT32_NODATA)],
  ...["-multi", "-wo", `NUM_THREADS=${THREADS}`, ...pipeline.transformer],
  `RADARSAT_2_CALIB:SIGMA0:${path.join(productDir, "product.xml")}`,
  baselineFile,
]);

printTable(
  `RADARSAT-2 SGF ${SAMPLES} x ${LINES} px, UInt16, HH + HV, to ${RESOLUTION} m; ${THREADS} threads, ${os.cpus().length} CPUs`,
  [pipeline.figures, calibrate.figures, baseline],
);
printStages(pipeline, calibrate);
const outputs = fs
  .readdirSync(path.join(pipeline.workDir, "output", PRODUCT))
  .filter((f) => f.endsWith(".tif"));
console.log(
  `grid: pipeline ${sizeOf(path.join(pipeline.workDir, "output", PRODUCT, outputs[0]))} px per band (shared ` +
    `extent), gdalwarp ${sizeOf(baselineFile)} px x 2 bands`,
);
for (const note of pipeline.notes) console.log(`plan note: ${note}`);
const ratio = (a, b) => (a / b).toFixed(2);
console.log(
  `ratio pipeline / baseline: wall ${ratio(pipeline.figures.wall, baseline.wall)}, ` +
    `cpu ${ratio(pipeline.figures.cpu, baseline.cpu)}, peak RSS ${ratio(pipeline.figures.maxRssKb, baseline.maxRssKb)}`,
);
const likeForLike = ["calibrate", "warp (RPC + DEM)"].map(
  (name) => stage(calibrate, name) ?? stage(pipeline, name),
);
console.log(
  `ratio (calibrate alone + warp) / baseline, the steps gdalwarp takes: ` +
    `wall ${ratio(likeForLike[0].wall + likeForLike[1].wall, baseline.wall)}, ` +
    `cpu ${ratio(likeForLike[0].cpu + likeForLike[1].cpu, baseline.cpu)}`,
);
const peakGiB = pipeline.figures.maxRssKb / 1024 / 1024;
console.log(
  `pipeline peak RSS ${peakGiB.toFixed(2)} GiB: ${peakGiB <= 2 ? "within" : "ABOVE"} the 2 GiB target`,
);
fs.rmSync(run, { recursive: true, force: true });

/** The pipeline's stages, with calibration and filtering split by the run without a filter. */
function printStages(pipelineRun, calibrateRun) {
  const prepare = stage(pipelineRun, "calibrate + gamma filter");
  const calibration = stage(calibrateRun, "calibrate");
  const rows = pipelineRun.stages.flatMap((s) =>
    s === prepare
      ? [
          s,
          { ...calibration, name: "  of which calibrate (no-filter run)" },
          {
            name: "  of which filter (difference)",
            wall: prepare.wall - calibration.wall,
            cpu: prepare.cpu - calibration.cpu,
          },
        ]
      : [s],
  );
  const timed = pipelineRun.stages.reduce((sum, s) => ({ wall: sum.wall + s.wall, cpu: sum.cpu + s.cpu }), {
    wall: 0,
    cpu: 0,
  });
  const { total } = pipelineRun;
  rows.push({
    name: "other (extents, stack, clean-up)",
    wall: total.wall - timed.wall,
    cpu: total.cpu - timed.cpu,
  });
  rows.push({ name: "total (in process)", ...total });
  console.log(`\npipeline stages, both polarisations`);
  console.log(
    `${"stage".padEnd(36)}${"wall s".padStart(9)}${"cpu s".padStart(9)}${"RSS peak so far GiB".padStart(21)}`,
  );
  for (const r of rows) {
    const rss = r.peakRssKb === undefined ? "" : (r.peakRssKb / 1024 / 1024).toFixed(2);
    console.log(
      `${r.name.padEnd(36)}${r.wall.toFixed(1).padStart(9)}${r.cpu.toFixed(1).padStart(9)}${rss.padStart(21)}`,
    );
  }
}

function stage(runReport, name) {
  return runReport.stages.find((s) => s.name === name);
}

function sizeOf(file) {
  const dataset = gdal.open(file);
  try {
    return `${dataset.rasterSize.x} x ${dataset.rasterSize.y}`;
  } finally {
    dataset.close();
  }
}

/**
 * The product folder, once per size: product.xml, the LUTs and per polarisation a UInt16 image in strips, as
 * MDA delivers SGF. Drawing gamma speckle for each of 336 M pixels in JavaScript would take minutes, so
 * each polarisation repeats its own 1021 x 1031 tile of seeded 4-look gamma speckle (prime sizes, shifted 7
 * samples a line, so the repeats do not line up with the fields) over fields of 40 x 40 px at -16 to -5 dB
 * (cross-pol 6 to 10 dB lower, one field in 29 built up at -1 dB), a winding river 24 px wide at -22 dB, and
 * sigma0 falling by 3 dB from near to far range. DN = sqrt(sigma0 x speckle x gain - offset), as the sigma
 * LUT has it.
 */
function generateProduct() {
  const done = path.join(productDir, ".complete");
  if (fs.existsSync(done)) return;
  fs.rmSync(productDir, { recursive: true, force: true });
  fs.mkdirSync(productDir, { recursive: true });
  process.stderr.write(`generating the synthetic product in ${path.relative(repo, productDir)} (once)\n`);
  const footprint = footprintAround(50.5, 9.0);
  const geometry = syntheticGeometry(SAMPLES, LINES, footprint, METRES_PER_SAMPLE_SHIFT);
  for (const [calibration, { a, b }] of Object.entries(SYNTHETIC_GAINS)) {
    const gains = Float64Array.from({ length: SAMPLES }, (_, s) => a + b * s);
    fs.writeFileSync(path.join(productDir, LUT_FILES[calibration]), lutXml(SYNTHETIC_LUT_OFFSET, gains));
  }
  fs.writeFileSync(
    path.join(productDir, "product.xml"),
    productXmlText({
      samples: SAMPLES,
      lines: LINES,
      polarisations: POLARISATIONS,
      productType: "SGF",
      beamMode: "W2",
      looks: LOOKS,
      time: "2015-08-22T23:23:26Z",
      geometry,
      rpc: true,
      footprint,
    }),
  );
  const { a, b } = SYNTHETIC_GAINS.sigma0;
  // The sigma LUT's gain times the fall of sigma0 with incidence, per sample.
  const gainAndRange = Float64Array.from(
    { length: SAMPLES },
    (_, s) => (a + b * s) * 10 ** (-0.3 * (s / SAMPLES)),
  );
  const FIELD = 40;
  const fieldOfSample = Int32Array.from({ length: SAMPLES }, (_, s) => Math.floor(s / FIELD));
  const fields = fieldOfSample[SAMPLES - 1] + 1;
  for (const [p, pol] of POLARISATIONS.entries()) {
    const [tileWidth, tileHeight] = [1021, 1031];
    const random = mulberry32(11 + p);
    const speckle = Float64Array.from({ length: tileWidth * tileHeight }, () =>
      gamma(LOOKS.range * LOOKS.azimuth, random),
    );
    const file = path.join(productDir, `imagery_${pol}.tif`);
    // In strips, uncompressed, as MDA writes them.
    const dataset = gdal.open(file, "w", "GTiff", SAMPLES, LINES, 1, gdal.GDT_UInt16);
    const band = dataset.bands.get(1);
    const STRIPE = 256;
    const dn = new Uint16Array(SAMPLES * STRIPE);
    const level = new Float64Array(fields);
    for (let top = 0; top < LINES; top += STRIPE) {
      const rows = Math.min(STRIPE, LINES - top);
      for (let r = 0; r < rows; r++) {
        const line = top + r;
        if (line % FIELD === 0 || r === 0) fieldLevels(level, Math.floor(line / FIELD), p);
        const river = SAMPLES * 0.4 + SAMPLES * 0.05 * Math.sin(line / 1500);
        const [riverFrom, riverTo] = [Math.round(river), Math.round(river) + 24];
        const tileRow = (line % tileHeight) * tileWidth;
        let tileColumn = (line * 7) % tileWidth;
        for (let s = 0; s < SAMPLES; s++) {
          const sigma0 = s >= riverFrom && s < riverTo ? 10 ** -2.2 : level[fieldOfSample[s]];
          const power = sigma0 * speckle[tileRow + tileColumn] * gainAndRange[s] - SYNTHETIC_LUT_OFFSET;
          dn[r * SAMPLES + s] = Math.min(65535, Math.max(1, Math.round(Math.sqrt(Math.max(power, 0)))));
          if (++tileColumn === tileWidth) tileColumn = 0;
        }
      }
      band.pixels.write(0, top, SAMPLES, rows, dn.subarray(0, SAMPLES * rows));
    }
    dataset.close();
  }
  fs.writeFileSync(done, new Date().toISOString());
}

/** The sigma0 (linear) of each field along a row of fields, from a hash of where it is; cross-pol lower. */
function fieldLevels(level, fieldRow, polarisation) {
  for (let c = 0; c < level.length; c++) {
    const hash = (Math.imul(fieldRow, 73_856_093) ^ Math.imul(c, 19_349_663)) >>> 0;
    const builtUp = hash % 29 === 0;
    const coPol = builtUp ? -1 : -16 + 11 * ((hash % 1009) / 1008);
    const dB = polarisation === 0 ? coPol : coPol - 6 - 4 * (((hash >>> 10) % 101) / 100);
    level[c] = 10 ** (dB / 10);
  }
}

/** A footprint SAMPLES x LINES at SPACING metres, centred on a point (degrees). */
function footprintAround(lat, lon) {
  const metresPerDegree = 111_320;
  const halfLat = ((LINES - 1) * SPACING) / 2 / metresPerDegree;
  const halfLon = ((SAMPLES - 1) * SPACING) / 2 / (metresPerDegree * Math.cos((lat * Math.PI) / 180));
  return { north: lat + halfLat, south: lat - halfLat, west: lon - halfLon, east: lon + halfLon };
}
