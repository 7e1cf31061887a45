// Benchmark: a full-size Sentinel-2 L2A tile through the pipeline against plain gdalwarp, in one run.
//   npm run bench:sentinel2      (builds first; the tile is generated once into .cache/bench/)
// The tile is synthetic pixels under the real MTD_MSIL2A.xml / MTD_TL.xml of the bundled sample (T29UNU,
// baseline 04.00): B02 B03 B04 B08 at 10 m (10980 x 10980) and B8A B11 at 20 m (5490 x 5490), UInt16. The band
// files are tiled DEFLATE GeoTIFFs under the product's .jp2 names (GDAL opens a file by its content, as GDAL's
// own fake products do): generating real JPEG 2000 would take longer than the runs, and decoding it is the same
// cost for both sides. For 30 m and 10 m it times (a) the pipeline making sr COGs of the six bands (offsets,
// warp, COG with overviews) and (b) gdalwarp warping the same files to plain GeoTIFF with the same projection,
// resolution, resampling and threads. Each is a process of its own; the kernel accounts its wall, CPU and RSS.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import gdal from "gdal-async";
import { BENCH_PROJECTION, measure, printTable } from "./bench-measure.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = path.join(repo, ".cache", "bench");
const PRODUCT = "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454";
const SAMPLE = path.join(
  repo,
  "examples",
  "storage",
  "s2-l2a-products",
  "tiles",
  "29",
  "U",
  "NU",
  `${PRODUCT}.SAFE`,
);
const GRANULE = "GRANULE/L2A_T29UNU_A038058_20221005T115407";
const BANDS = [
  ["B02", 10],
  ["B03", 10],
  ["B04", 10],
  ["B08", 10],
  ["B8A", 20],
  ["B11", 20],
];
const THREADS = Number(process.env.BENCH_THREADS ?? os.availableParallelism());
const RESOLUTIONS = (process.env.BENCH_RESOLUTIONS ?? "30,10").split(",").map(Number);
const PROJECTION = BENCH_PROJECTION;
const safe = path.join(cache, `${PRODUCT}.SAFE`);
const bandFile = (band, resolution) =>
  path.join(
    safe,
    GRANULE,
    "IMG_DATA",
    `R${resolution}m`,
    `T29UNU_20221005T115411_${band}_${resolution}m.jp2`,
  );

generateTile();
const rows = [];
for (const resolution of RESOLUTIONS) {
  const out = path.join(cache, `s2-out-${resolution}`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const pipeline = measure(`pipeline sr COG @ ${resolution} m`, process.execPath, [
    path.join(repo, "scripts", "bench-sentinel2-scene.mjs"),
    safe,
    path.join(out, "pipeline"),
    String(resolution),
    String(THREADS),
    BANDS.map(([band]) => band).join(","),
  ]);
  const warps = BANDS.map(([band, native]) =>
    [
      "gdalwarp -q -overwrite",
      `-t_srs '${PROJECTION}' -tr ${resolution} ${resolution} -tap -r bilinear -srcnodata 0 -dstnodata 0`,
      `-multi -wo NUM_THREADS=${THREADS} -of GTiff`,
      `'${bandFile(band, native)}' '${path.join(out, `baseline_${band}.tif`)}'`,
    ].join(" "),
  );
  const baseline = measure(`gdalwarp baseline @ ${resolution} m`, "bash", ["-c", warps.join(" && ")]);
  rows.push({ resolution, pipeline, baseline });
  fs.rmSync(out, { recursive: true, force: true });
}

printTable(
  `Sentinel-2 L2A tile, ${BANDS.map(([b, r]) => `${b} ${r} m`).join(", ")}; ${THREADS} threads, ${os.cpus().length} CPUs`,
  rows.flatMap((row) => [row.pipeline, row.baseline]),
);
for (const { resolution, pipeline, baseline } of rows) {
  console.log(
    `ratio pipeline / baseline @ ${resolution} m: wall ${(pipeline.wall / baseline.wall).toFixed(2)}, cpu ${(pipeline.cpu / baseline.cpu).toFixed(2)}`,
  );
}

/** The sample's metadata with full-size synthetic bands: textured, noisy, a swath edge with fill beyond it. */
function generateTile() {
  const done = path.join(safe, ".complete");
  if (fs.existsSync(done)) return;
  fs.rmSync(safe, { recursive: true, force: true });
  fs.mkdirSync(path.join(safe, GRANULE), { recursive: true });
  process.stderr.write(`generating the synthetic tile in ${path.relative(repo, safe)} (once)\n`);
  fs.copyFileSync(path.join(SAMPLE, "MTD_MSIL2A.xml"), path.join(safe, "MTD_MSIL2A.xml"));
  fs.copyFileSync(path.join(SAMPLE, GRANULE, "MTD_TL.xml"), path.join(safe, GRANULE, "MTD_TL.xml"));
  const srs = gdal.SpatialReference.fromEPSG(32629);
  let seed = 7;
  const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648 - 0.5) * 600;
  for (const [b, [band, resolution]] of BANDS.entries()) {
    const size = 109_800 / resolution;
    const file = bandFile(band, resolution);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const ds = gdal.open(file, "w", "GTiff", size, size, 1, gdal.GDT_UInt16, [
      "TILED=YES",
      "COMPRESS=DEFLATE",
      "PREDICTOR=2",
    ]);
    ds.srs = srs;
    ds.geoTransform = [499_980, resolution, 0, 5_900_040, 0, -resolution];
    const out = ds.bands.get(1);
    out.noDataValue = 0;
    const strip = 256;
    const buffer = new Uint16Array(size * strip);
    for (let top = 0; top < size; top += strip) {
      const rowsHere = Math.min(strip, size - top);
      for (let r = 0; r < rowsHere; r++) {
        // In metres, so that every resolution shows the same ground; the swath ends on a slanted edge.
        const y = (top + r) * resolution;
        for (let c = 0; c < size; c++) {
          const x = c * resolution;
          const field =
            2500 + 900 * Math.sin(x / 970 + b) * Math.cos(y / 1310) + 400 * Math.sin((x + 2 * y) / 230);
          buffer[r * size + c] = x > 80_000 - y * 0.3 ? 0 : Math.max(1, Math.round(field + noise()));
        }
      }
      out.pixels.write(0, top, size, rowsHere, buffer.subarray(0, size * rowsHere));
    }
    ds.close();
  }
  fs.writeFileSync(done, new Date().toISOString());
}
