// One scene through the pipeline, as the worker runs it; used by bench-pipeline.mjs as a process of its own.
//   node scripts/bench-pipeline-scene.mjs <sceneDir> <outputRoot> <resolution> <threads>
import path from "node:path";
import gdal from "gdal-async";
import { readLandsatMetadata } from "../dist/imagery/landsat/landsat-metadata.js";
import { readMtl } from "../dist/imagery/landsat/mtl.js";
import { landsatScenePlan } from "../dist/imagery/landsat/landsat-scene-plan.js";
import { preprocessScene } from "../dist/pipeline/preprocess-scene.js";

const [sceneDir, outputRoot, resolution, threads] = process.argv.slice(2);
const sceneId = path.basename(sceneDir);
gdal.config.set("GDAL_NUM_THREADS", threads);
gdal.config.set("GDAL_CACHEMAX", "256"); // as the worker sets it
await preprocessScene(
  landsatScenePlan({
    sceneId,
    sceneDir,
    metadata: readLandsatMetadata(await readMtl(sceneDir, sceneId)),
    bands: ["B2", "B3", "B4"],
    product: "sr",
    reflectanceType: "int16",
    resampling: "bilinear",
    resampClip: true,
    outputRoot,
    grid: {
      projection:
        "+proj=aea +lat_1=44.75 +lat_2=55.75 +lat_0=40 +lon_0=-96 +x_0=0 +y_0=0 +ellps=WGS84 +datum=WGS84 +units=m +no_defs",
      resolution: Number(resolution),
    },
    threads: Number(threads),
  }),
);
