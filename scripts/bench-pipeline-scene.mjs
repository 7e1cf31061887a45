// One scene through the pipeline, as the worker runs it; used by bench-pipeline.mjs as a process of its own.
//   node scripts/bench-pipeline-scene.mjs <sceneDir> <outputRoot> <resolution> <threads>
import path from "node:path";
import gdal from "gdal-async";
import { BENCH_PROJECTION } from "./bench-measure.mjs";
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
      projection: BENCH_PROJECTION,
      resolution: Number(resolution),
    },
    threads: Number(threads),
  }),
);
