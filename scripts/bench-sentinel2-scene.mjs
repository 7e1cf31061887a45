// One Sentinel-2 product through the sensor's plan and the pipeline, as the worker runs it; used by
// bench-sentinel2.mjs as a process of its own.
//   node scripts/bench-sentinel2-scene.mjs <product.SAFE> <outputRoot> <resolution> <threads> <bands,...>
import path from "node:path";
import gdal from "gdal-async";
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
    projection:
      "+proj=aea +lat_1=44.75 +lat_2=55.75 +lat_0=40 +lon_0=-96 +x_0=0 +y_0=0 +ellps=WGS84 +datum=WGS84 +units=m +no_defs",
    resolution: Number(resolution),
  },
  threads: Number(threads),
});
