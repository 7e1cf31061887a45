// Benchmark: the pipeline against plain gdalwarp on a full-size synthetic Landsat scene, in one run.
//   npm run bench:pipeline            (builds first; the scene is generated once into .cache/bench/)
// For 30 m and 10 m it times (a) the pipeline making sr COGs (conversion, warp, COG with overviews) and
// (b) the baseline: the gdalwarp command warping the same bands one by one to plain GeoTIFF with the same
// projection, resolution, resampling and threads. Each runs as its own process; wall time, CPU time and peak
// RSS come from the kernel's accounting of that process tree. Staging (copy + tar) is timed on its own.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_PROJECTION, measure, printTable } from "./bench-measure.mjs";
import {
  SYNTHETIC_BANDS as BANDS,
  SYNTHETIC_SCENE,
  SYNTHETIC_SIZE,
  syntheticLandsatScene,
} from "./bench-pool-synthetic.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = path.join(repo, ".cache", "bench");
const SCENE = SYNTHETIC_SCENE.id;
const [WIDTH, HEIGHT] = SYNTHETIC_SIZE;
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const PROJECTION = BENCH_PROJECTION;
// A UInt16 Landsat-like scene: textured, noisy, tilted footprint with fill around it, with a real MTL.
const sceneDir = syntheticLandsatScene(repo, cache);

const staging = measure("staging (copy + tar.gz)", "bash", [
  "-c",
  `rm -rf "$1" && cp -r "$2" "$1" && tar -czf "$1.tar.gz" -C "$1" . && rm -rf "$1" "$1.tar.gz"`,
  "stage",
  path.join(cache, "staged"),
  sceneDir,
]);
const rows = [];
for (const resolution of [30, 10]) {
  const out = path.join(cache, `out-${resolution}`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const pipeline = measure(`pipeline sr COG @ ${resolution} m`, process.execPath, [
    path.join(repo, "scripts", "bench-pipeline-scene.mjs"),
    sceneDir,
    path.join(out, "pipeline"),
    String(resolution),
    String(THREADS),
  ]);
  const warps = BANDS.map((band) =>
    [
      "gdalwarp -q -overwrite",
      `-t_srs '${PROJECTION}' -tr ${resolution} ${resolution} -tap -r bilinear -srcnodata 0 -dstnodata 0`,
      `-multi -wo NUM_THREADS=${THREADS} -of GTiff`,
      `'${path.join(sceneDir, `${SCENE}_SR_${band}.TIF`)}' '${path.join(out, `baseline_${band}.tif`)}'`,
    ].join(" "),
  );
  const baseline = measure(`gdalwarp baseline @ ${resolution} m`, "bash", ["-c", warps.join(" && ")]);
  rows.push({ resolution, pipeline, baseline });
  fs.rmSync(out, { recursive: true, force: true });
}

printTable(
  `scene ${WIDTH} x ${HEIGHT} px at 30 m, bands ${BANDS.join(" ")}, ${THREADS} threads, ${os.cpus().length} CPUs`,
  [staging, ...rows.flatMap((row) => [row.pipeline, row.baseline])],
);
for (const { resolution, pipeline, baseline } of rows) {
  console.log(
    `ratio pipeline / baseline @ ${resolution} m: wall ${(pipeline.wall / baseline.wall).toFixed(2)}, cpu ${(pipeline.cpu / baseline.cpu).toFixed(2)}`,
  );
}
