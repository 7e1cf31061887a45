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
import gdal from "gdal-async";
import { BENCH_PROJECTION, measure, printTable } from "./bench-measure.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = path.join(repo, ".cache", "bench");
const SCENE = "LC08_L2SP_015028_20200814_20200822_02_T1";
const FIXTURE = "LC08_L2SP_017036_20130419_20200913_02_T2";
const BANDS = ["B2", "B3", "B4"];
const [WIDTH, HEIGHT] = [7791, 7951];
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const PROJECTION = BENCH_PROJECTION;
const sceneDir = path.join(cache, SCENE);

generateScene();
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

/** A UInt16 Landsat-like scene: textured, noisy, tilted footprint with fill around it, with a real MTL. */
function generateScene() {
  const done = path.join(sceneDir, ".complete");
  if (fs.existsSync(done)) return;
  fs.rmSync(sceneDir, { recursive: true, force: true });
  fs.mkdirSync(sceneDir, { recursive: true });
  process.stderr.write(`generating the synthetic scene in ${path.relative(repo, sceneDir)} (once)\n`);
  const fixtureMtl = path.join(
    repo,
    "examples",
    "storage",
    "l8-l2a-products",
    "tiles",
    "017",
    "036",
    FIXTURE,
    `${FIXTURE}_MTL.txt`,
  );
  fs.writeFileSync(
    path.join(sceneDir, `${SCENE}_MTL.txt`),
    fs.readFileSync(fixtureMtl, "utf8").replaceAll(FIXTURE, SCENE),
  );
  const srs = gdal.SpatialReference.fromEPSG(32618); // UTM 18N, around Ottawa
  const [x0, y0] = [330_000, 5_100_000];
  const tilt = (12 * Math.PI) / 180;
  const [cx, cy] = [WIDTH / 2, HEIGHT / 2];
  const inside = (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const u = dx * Math.cos(tilt) + dy * Math.sin(tilt);
    const v = -dx * Math.sin(tilt) + dy * Math.cos(tilt);
    return Math.abs(u) < WIDTH * 0.4 && Math.abs(v) < HEIGHT * 0.4;
  };
  let seed = 42;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648 - 0.5) * 800;
  for (const [b, band] of BANDS.entries()) {
    const file = path.join(sceneDir, `${SCENE}_SR_${band}.TIF`);
    const ds = gdal.open(file, "w", "GTiff", WIDTH, HEIGHT, 1, gdal.GDT_UInt16, [
      "TILED=YES",
      "COMPRESS=DEFLATE",
      "PREDICTOR=2",
    ]);
    ds.srs = srs;
    ds.geoTransform = [x0, 30, 0, y0, 0, -30];
    const out = ds.bands.get(1);
    out.noDataValue = 0;
    const strip = 256;
    const buffer = new Uint16Array(WIDTH * strip);
    for (let top = 0; top < HEIGHT; top += strip) {
      const rowsHere = Math.min(strip, HEIGHT - top);
      for (let r = 0; r < rowsHere; r++) {
        const y = top + r;
        for (let x = 0; x < WIDTH; x++) {
          const field =
            9000 + 2500 * Math.sin(x / 97 + b) * Math.cos(y / 131) + 1200 * Math.sin((x + 2 * y) / 23);
          buffer[r * WIDTH + x] = inside(x, y)
            ? Math.max(1, Math.min(65_535, Math.round(field + noise())))
            : 0;
        }
      }
      out.pixels.write(0, top, WIDTH, rowsHere, buffer.subarray(0, WIDTH * rowsHere));
    }
    ds.close();
  }
  fs.writeFileSync(done, new Date().toISOString());
}
