// One Sentinel-2 product through the sensor's plan and the pipeline, as the worker runs it; used by
// bench-sentinel2.mjs as a process of its own.
//   node scripts/bench-sentinel2-scene.mjs <product.SAFE> <outputRoot> <resolution> <threads> <bands,...>
import path from "node:path";
import gdal from "gdal-async";
import { BENCH_PROJECTION } from "./bench-measure.mjs";
import { sentinel2Sensor } from "../dist/imagery/sentinel2/sentinel2-sensor.js";
import { preprocessScene } from "../dist/pipeline/preprocess-scene.js";

const [safe, outputRoot, resolution, threads, bands] = process.argv.slice(2);
const scene = sentinel2Sensor.parseId(path.basename(safe));
gdal.config.set("GDAL_NUM_THREADS", threads);
gdal.config.set("GDAL_CACHEMAX", "256"); // as the worker sets it
const plan = await sentinel2Sensor.plan(safe, scene, {
  bands: bands.split(","),
  product: "sr",
  reflectanceType: "int16",
});
await preprocessScene({
  sceneId: scene.id,
  bands: plan.bands,
  resampling: "bilinear",
  resampClip: true,
  outputRoot,
  grid: {
    projection: BENCH_PROJECTION,
    resolution: Number(resolution),
  },
  threads: Number(threads),
});
