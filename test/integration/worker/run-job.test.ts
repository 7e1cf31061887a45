import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import type { Config } from "../../../src/config/config.js";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import { JobStore } from "../../../src/jobs/job-store.js";
import type { StatusDocument } from "../../../src/jobs/status-document.js";
import { createAccepted } from "../../../src/jobs/transitions.js";
import { createLogger } from "../../../src/logging/create-logger.js";
import { runJob } from "../../../src/worker/run-job.js";
import { ALBERS_CANADA, SCENES } from "../../helpers/paths.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";

// A whole job in-process (the API's part and each task's, one after the other), on a temp copy of the real
// fixture scenes.

let sandbox: Sandbox;
let config: Config;
let store: JobStore;
const logger = createLogger({ name: "test-worker", consoleLevel: "fatal" });

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [SCENES.l2, SCENES.l1, SCENES.south] });
  config = loadConfig(sandbox.configPath, {});
  store = new JobStore(config.workingDir);
});
afterAll(() => sandbox.remove());

async function run(
  imagery_list: string[],
  options: {
    resolution?: number;
    delete_intermediate?: boolean;
    product?: "dn" | "radiance" | "toa" | "sr";
    clip?: [number, number, number, number];
  } = {},
): Promise<{ jobId: string; status: StatusDocument; log: string; published: string }> {
  const jobId = uuidv7();
  const now = new Date();
  const request = {
    imagery_list,
    resolution: options.resolution ?? 600,
    cores: 2,
    delete_intermediate: options.delete_intermediate ?? false,
    ...(options.product === undefined ? {} : { product: options.product }),
    ...(options.clip === undefined ? {} : { clip: options.clip }),
  };
  await store.create(
    buildJobSpec(jobId, request, "tester", config, now),
    createAccepted(jobId, imagery_list, now),
  );
  await runJob(store.jobDir(jobId), { logger });
  return {
    jobId,
    status: await store.readStatus(jobId),
    log: await store.readLog(jobId),
    published: path.join(sandbox.storage, "agricarta", "preprocessing", jobId),
  };
}

function rasters(status: StatusDocument): string[] {
  return status.scenes.flatMap((s) => s.outputs).filter((o) => o.endsWith(".tif"));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("runJob", () => {
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    result = await run([SCENES.l2.id, SCENES.missing.id, SCENES.l1.id]);
  }, 120_000);

  it("processes the scenes it finds, reports the one it does not, and ends failed", () => {
    const { status } = result;
    expect(status.status).toBe("failed");
    expect(status.progress).toBe(100);
    expect(status.message).toBe(`1 of 3 scene(s) failed: ${SCENES.missing.id}`);
    expect(status.outputDir).toBe(`agricarta/preprocessing/${result.jobId}`);
    expect(status.scenes.map((s) => [s.id, s.status])).toEqual([
      [SCENES.l2.id, "successful"],
      [SCENES.missing.id, "failed"],
      [SCENES.l1.id, "successful"],
    ]);
    expect(status.scenes[1]!.message).toBe(
      `Not found in imagery storage at l8-l2a-products/tiles/015/028/${SCENES.missing.id}`,
    );
    expect(status.scenes[0]!.outputs).toEqual([
      ...["B2", "B3", "B4"].map((b) => `output/preprocess/${SCENES.l2.id}/${SCENES.l2.id}_${b}_dn.tif`),
      `output/preprocess/${SCENES.l2.id}/${SCENES.l2.id}_quicklook.png`,
      `output/preprocess/${SCENES.l2.id}/${SCENES.l2.id}_stack.vrt`,
      `output/metadata/${SCENES.l2.id}.json`,
      `output/metadata/${SCENES.l2.id}.stac.json`,
    ]);
  });

  it("writes the seed's job_log.txt lines, in order", () => {
    const { jobId, log } = result;
    expect(log.trimEnd().split("\n")).toEqual([
      `Imagery names: ${SCENES.l2.id},${SCENES.missing.id},${SCENES.l1.id}`,
      `Job id: ${jobId}`,
      `Working dir: ${sandbox.workingDir}`,
      "Resolution: 600",
      "Delete intermediate: False",
      "Cores: 2",
      "Product: dn",
      `Image: ${SCENES.l2.id} FOUND`,
      `Image: ${SCENES.l2.id} COPIED`,
      `Image: ${SCENES.missing.id} NOT FOUND`,
      `Image: ${SCENES.l1.id} FOUND`,
      `Image: ${SCENES.l1.id} COPIED`,
      "Preprocessing started",
      `Image: ${SCENES.l2.id} PREPROCESSED`,
      `Image: ${SCENES.l1.id} PREPROCESSED`,
      "Preprocessing finished",
    ]);
  });

  it("runs each scene as a task whose document records its outcome, log lines and time", async () => {
    const { jobId, status } = result;
    const { tasks, runs } = await store.readTasks(jobId, 3);
    // In-process, nothing records attempts: the API does that for the workers it starts.
    expect(runs).toEqual([undefined, undefined, undefined]);
    expect(tasks.map((t) => [t?.index, t?.attempt, t?.status, t?.percent])).toEqual([
      [0, 1, "successful", 100],
      [1, 1, "failed", 100],
      [2, 1, "successful", 100],
    ]);
    expect(tasks.map((t) => t?.outputs)).toEqual(status.scenes.map((s) => s.outputs));
    expect(tasks[1]!.log).toEqual({ staging: [`Image: ${SCENES.missing.id} NOT FOUND`], processing: [] });
    const figures = await store.readFigures(jobId);
    expect(figures!.sceneSeconds).toEqual({
      [SCENES.l2.id]: tasks[0]!.seconds,
      [SCENES.l1.id]: tasks[2]!.seconds,
    });
    expect(figures!.bytesWritten).toBeGreaterThan(0);
  });

  it("publishes the outputs, the log and job.json, and keeps the outputs' working copy by default", async () => {
    const { jobId, published, status } = result;
    const files = await listFiles(published);
    const outputs = status.scenes.flatMap((s) => s.outputs);
    expect(files).toEqual(["job.json", "job_log.txt", ...outputs].sort());
    expect(await fs.readFile(path.join(published, "job_log.txt"), "utf8")).toBe(result.log);
    // Without delete_intermediate the outputs' working copy is kept.
    expect(await listFiles(path.join(store.jobDir(jobId), "output"))).toHaveLength(14);
    const siblings = await fs.readdir(path.dirname(published));
    expect(siblings.filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("removes the staged imagery of a job that ends failed, whatever delete_intermediate says", async () => {
    // The job failed (one scene was not found) without delete_intermediate.
    expect(result.status.status).toBe("failed");
    await expect(fs.access(path.join(store.jobDir(result.jobId), "imagery"))).rejects.toThrow();
  });

  it("keeps a successful job's staged inputs (copy and archive) by default", async () => {
    const { jobId, status } = await run([SCENES.south.id]);
    expect(status.status).toBe("successful");
    const staged = await fs.readdir(path.join(store.jobDir(jobId), "imagery"));
    expect(staged.sort()).toEqual([SCENES.south.id, `${SCENES.south.id}.tar.gz`].sort());
  });

  it("publishes nothing when no scene produced output; job_log.txt stays readable from the job", async () => {
    const { jobId, status, published, log } = await run([SCENES.missing.id]);
    expect(status.status).toBe("failed");
    expect(status.outputDir).toBeUndefined();
    await expect(fs.access(published)).rejects.toThrow();
    expect(log).toContain(`Image: ${SCENES.missing.id} NOT FOUND\n`);
    expect(await store.readLog(jobId)).toBe(log);
    const siblings = await fs.readdir(path.dirname(published));
    expect(siblings.filter((n) => n.includes(jobId))).toEqual([]);
  });

  it("fails the whole job when publishing fails: says why in job_log.txt, removes staging, publishes nothing", async () => {
    const jobId = uuidv7();
    const now = new Date();
    const request = {
      imagery_list: [SCENES.south.id],
      resolution: 600,
      cores: 1,
      delete_intermediate: false,
    };
    await store.create(
      buildJobSpec(jobId, request, "tester", config, now),
      createAccepted(jobId, [SCENES.south.id], now),
    );
    // A file where the job's results would be published: the final rename cannot replace it.
    const published = path.join(sandbox.storage, "agricarta", "preprocessing", jobId);
    await fs.mkdir(path.dirname(published), { recursive: true });
    await fs.writeFile(published, "in the way");
    expect(await runJob(store.jobDir(jobId), { logger })).toBe("failed");
    const status = await store.readStatus(jobId);
    expect(status.status).toBe("failed");
    expect(status.message).toMatch(/^publishing the results failed/);
    expect(await store.readLog(jobId)).toMatch(
      /\nException occurred, preprocessing failed\npublishing the results failed: [^\n]+\n$/,
    );
    await expect(fs.access(path.join(store.jobDir(jobId), "imagery"))).rejects.toThrow();
    const siblings = await fs.readdir(path.dirname(published));
    expect(siblings.filter((n) => n.includes(jobId))).toEqual([jobId]);
  });

  it("puts every output on the job grid: configured CRS, requested pixel size, aligned origin", () => {
    const target = gdal.SpatialReference.fromProj4(ALBERS_CANADA);
    for (const output of rasters(result.status)) {
      const ds = gdal.open(path.join(result.published, output));
      try {
        expect(ds.srs?.isSame(target)).toBe(true);
        const [x0, w, , y0, , h] = ds.geoTransform!;
        expect([w, h]).toEqual([600, -600]);
        expect(Math.abs(x0! % 600) + Math.abs(y0! % 600)).toBe(0);
      } finally {
        ds.close();
      }
    }
  });

  it("deletes the staged inputs and the outputs' working copy when delete_intermediate is set, after publishing", async () => {
    const { jobId, status, published } = await run([SCENES.south.id], { delete_intermediate: true });
    expect(status.status).toBe("successful");
    await expect(fs.access(path.join(store.jobDir(jobId), "output"))).rejects.toThrow();
    await expect(fs.access(path.join(store.jobDir(jobId), "imagery"))).rejects.toThrow();
    expect(await listFiles(published)).toContain(
      `output/preprocess/${SCENES.south.id}/${SCENES.south.id}_B2_dn.tif`,
    );
  });

  it("fails only the scene whose MTL is broken, naming the field", async () => {
    const sceneDir = path.join(sandbox.storage, "l8-l2a-products/tiles/016/037", SCENES.l1.id);
    const mtlPath = path.join(sceneDir, `${SCENES.l1.id}_MTL.txt`);
    const original = await fs.readFile(mtlPath, "utf8");
    await fs.writeFile(mtlPath, original.replace(/ {4}FILE_NAME_BAND_3 = .*\n/, ""));
    try {
      const { status, log } = await run([SCENES.l1.id, SCENES.south.id]);
      expect(status.status).toBe("failed");
      expect(status.scenes[0]).toMatchObject({ status: "failed", outputs: [] });
      expect(status.scenes[0]!.message).toMatch(/MTL names no file for band B3 \(FILE_NAME_BAND_3\)/);
      expect(status.scenes[1]!.status).toBe("successful");
      expect(log).toMatch(new RegExp(`Image: ${SCENES.l1.id} FAILED: .*FILE_NAME_BAND_3`));
    } finally {
      await fs.writeFile(mtlPath, original);
    }
  });

  it("fails only the scene with a truncated raster, or whose MTL names a file that is not there", async () => {
    const l1Dir = path.join(sandbox.storage, "l8-l2a-products/tiles/016/037", SCENES.l1.id);
    const southDir = path.join(sandbox.storage, "l8-l2a-products/tiles", SCENES.south.path, SCENES.south.row);
    const band3 = path.join(l1Dir, `${SCENES.l1.id}_B3.TIF`);
    const original = await fs.readFile(band3);
    // Cut the band to a third: its header is intact, its tiles are not.
    await fs.writeFile(band3, original.subarray(0, Math.floor(original.length / 3)));
    const southScene = path.join(southDir, SCENES.south.id);
    const mtlPath = path.join(southScene, `${SCENES.south.id}_MTL.txt`);
    const mtl = await fs.readFile(mtlPath, "utf8");
    // The MTL names a band file the scene does not have.
    await fs.writeFile(mtlPath, mtl.replace(/(FILE_NAME_BAND_3 = ")[^"]+"/, '$1LC08_NOT_THERE_B3.TIF"'));
    try {
      const { status, log, published } = await run([SCENES.l1.id, SCENES.south.id, SCENES.l2.id]);
      expect(status.status).toBe("failed");
      const [truncated, lying, good] = status.scenes;
      expect(truncated).toMatchObject({ status: "failed", outputs: [] });
      expect(truncated!.message).toMatch(new RegExp(`${SCENES.l1.id}_B3\\.TIF`));
      expect(lying).toMatchObject({ status: "failed", outputs: [] });
      expect(lying!.message).toMatch(/LC08_NOT_THERE_B3\.TIF/);
      // Clients read these messages: file names, never the server's directories.
      for (const s of [truncated!, lying!]) expect(s.message).not.toContain(sandbox.root);
      expect(good!.status).toBe("successful");
      expect(log).toMatch(new RegExp(`Image: ${SCENES.l1.id} FAILED`));
      // Nothing of the failed scenes is published; the good one is.
      const files = await listFiles(published);
      expect(files.some((f) => f.includes(SCENES.l1.id) && f.endsWith(".tif"))).toBe(false);
      expect(files.some((f) => f.includes(SCENES.south.id) && f.endsWith(".tif"))).toBe(false);
      expect(files.some((f) => f.includes(SCENES.l2.id) && f.endsWith(".tif"))).toBe(true);
    } finally {
      await fs.writeFile(band3, original);
      await fs.writeFile(mtlPath, mtl);
    }
  }, 120_000);

  it("makes the product asked for: TOA reflectance from Level-1, SR from Level-2, stored as scaled Int16 COGs", async () => {
    const l1 = await run([SCENES.l1.id], { product: "toa" });
    expect(l1.status.status).toBe("successful");
    const l2 = await run([SCENES.l2.id], { product: "sr" });
    expect(l2.status.status).toBe("successful");
    for (const [result, quantity, word] of [
      [l1, "toa", "top-of-atmosphere"],
      [l2, "sr", "surface"],
    ] as const) {
      for (const output of rasters(result.status)) {
        expect(output).toMatch(new RegExp(`_B[234]_${quantity}\\.tif$`));
        const ds = gdal.open(path.join(result.published, output));
        try {
          const band = ds.bands.get(1);
          expect(band.dataType).toBe(gdal.GDT_Int16);
          expect(band.scale).toBe(1e-4);
          expect(band.noDataValue).toBe(-32768);
          expect(band.description).toContain(word);
          expect((ds.getMetadata("IMAGE_STRUCTURE") as Record<string, string>)["LAYOUT"]).toBe("COG");
          const stats = band.getStatistics(false, true) as { min: number; max: number };
          // reflectance, once unscaled, is physically plausible
          expect(stats.min * 1e-4).toBeGreaterThan(-0.25);
          expect(stats.max * 1e-4).toBeLessThan(2);
        } finally {
          ds.close();
        }
      }
    }
    expect(l1.log).toContain("Product: toa\n");
  });

  it("fails a scene whose level cannot give the product, with a clear message", async () => {
    const { status } = await run([SCENES.l1.id, SCENES.l2.id], { product: "sr" });
    expect(status.scenes[0]).toMatchObject({ status: "failed" });
    expect(status.scenes[0]!.message).toMatch(/product sr cannot be made from a L1TP scene/);
    expect(status.scenes[1]!.status).toBe("successful");
  });

  it("puts every band of a scene on one extent and size with resamp_clip", async () => {
    const { status, published } = await run([SCENES.l2.id], { resolution: 500 });
    const shapes = rasters(status).map((output) => {
      const ds = gdal.open(path.join(published, output));
      try {
        return { transform: ds.geoTransform, size: ds.rasterSize };
      } finally {
        ds.close();
      }
    });
    expect(shapes).toHaveLength(3);
    expect(new Set(shapes.map((s) => JSON.stringify(s))).size).toBe(1);
  });

  it("writes a multi-band VRT per scene that opens from the published folder with named bands", async () => {
    const scene = SCENES.l2.id;
    const stackPath = path.join(result.published, `output/preprocess/${scene}/${scene}_stack.vrt`);
    const xml = await fs.readFile(stackPath, "utf8");
    expect(xml).not.toContain(sandbox.root);
    const stack = gdal.open(stackPath);
    try {
      expect(stack.bands.count()).toBe(3);
      expect(stack.bands.map((b) => b.description)).toEqual([
        "B2 digital number",
        "B3 digital number",
        "B4 digital number",
      ]);
      const band = gdal.open(path.join(result.published, `output/preprocess/${scene}/${scene}_B3_dn.tif`));
      try {
        const { x, y } = band.rasterSize;
        expect(stack.rasterSize).toEqual({ x, y });
        const fromStack = Array.from(stack.bands.get(2).pixels.read(0, 0, x, y), Number);
        const fromBand = Array.from(band.bands.get(1).pixels.read(0, 0, x, y), Number);
        expect(fromStack.filter((v, i) => v !== fromBand[i]).length).toBe(0);
      } finally {
        band.close();
      }
    } finally {
      stack.close();
    }
  });

  it("writes a metadata JSON and a STAC Item per scene, with checksums, footprint and provenance", async () => {
    const { jobId, published, status } = result;
    const scene = SCENES.l2.id;
    const item = JSON.parse(
      await fs.readFile(path.join(published, `output/metadata/${scene}.stac.json`), "utf8"),
    );
    expect(item).toMatchObject({ type: "Feature", stac_version: "1.0.0", id: scene });
    expect(item.properties.datetime).toBe("2013-04-19T16:01:51.829Z");
    expect(item.properties["agricarta:provenance"]).toMatchObject({
      jobId,
      inputs: [scene],
      gdalVersion: gdal.version,
      gdalArguments: {
        B2: {
          warp: expect.arrayContaining(["-t_srs", ALBERS_CANADA, "-tr", "600", "-te", "-srcnodata", "0"]),
          cog: expect.arrayContaining(["-of", "COG", "COMPRESS=DEFLATE"]),
        },
      },
    });
    // the footprint is around path 17 / row 36 (Tennessee), longitude first
    const [west, south, east, north] = item.bbox as number[];
    expect(west).toBeGreaterThan(-90);
    expect(east).toBeLessThan(-80);
    expect(south).toBeGreaterThan(33);
    expect(north).toBeLessThan(39);
    expect(Object.keys(item.assets)).toEqual(["B2", "B3", "B4"]);
    for (const [band, asset] of Object.entries(
      item.assets as Record<
        string,
        Record<string, unknown> & { href: string; "eo:bands": { name: string }[] }
      >,
    )) {
      const file = path.join(published, "output/metadata", asset.href);
      const bytes = await fs.readFile(file);
      expect(asset["file:checksum"]).toBe(`1220${createHash("sha256").update(bytes).digest("hex")}`);
      expect(asset["file:size"]).toBe(bytes.length);
      expect(asset["eo:bands"][0]?.name).toBe(band);
      const ds = gdal.open(file);
      try {
        expect(asset["proj:shape"]).toEqual([ds.rasterSize.y, ds.rasterSize.x]);
        expect(asset["proj:transform"]).toEqual(ds.geoTransform);
      } finally {
        ds.close();
      }
    }
    const document = JSON.parse(
      await fs.readFile(path.join(published, `output/metadata/${scene}.json`), "utf8"),
    );
    expect(document).toMatchObject({ sceneId: scene, product: "dn", processingLevel: "L2SP" });
    expect(document.bands.map((b: { file: string }) => `output/${b.file}`)).toEqual(
      rasters(status).filter((o) => o.includes(scene)),
    );
  });

  it("reads scenes in place when STAGING is in_place: nothing copied, nothing written beside the inputs", async () => {
    const inPlace = loadConfig(sandbox.configPath, {});
    const sceneDir = path.join(sandbox.storage, "l8-l2a-products/tiles/001/062", SCENES.south.id);
    const before = await listFiles(sceneDir);
    const jobId = uuidv7();
    const now = new Date();
    const request = {
      imagery_list: [SCENES.south.id],
      resolution: 600,
      cores: 1,
      delete_intermediate: false,
    };
    const spec = buildJobSpec(jobId, request, "tester", { ...inPlace, staging: "in_place" }, now);
    await store.create(spec, createAccepted(jobId, [SCENES.south.id], now));
    const imagery = path.join(store.jobDir(jobId), "imagery");
    await runJob(store.jobDir(jobId), { logger });
    expect((await store.readStatus(jobId)).status).toBe("successful");
    const log = await store.readLog(jobId);
    expect(log).toContain(`Image: ${SCENES.south.id} FOUND\n`);
    expect(log).not.toContain("COPIED");
    await expect(fs.access(imagery)).rejects.toThrow();
    expect(await listFiles(sceneDir)).toEqual(before);
  });

  it("reports a scene outside the area of interest as skipped, and the job still succeeds", async () => {
    // A box around path 17 / row 36 only: the southern-hemisphere scene lies far outside it.
    const { status, log } = await run([SCENES.l2.id, SCENES.south.id], { clip: [-83.5, 34.0, -82.5, 35.0] });
    expect(status.status).toBe("successful");
    expect(status.scenes.map((s) => s.status)).toEqual(["successful", "skipped"]);
    expect(status.scenes[1]!.outputs).toEqual([]);
    expect(status.message).toBe(`Processed 1 scene(s); 1 outside the area of interest: ${SCENES.south.id}`);
    expect(log).toContain(`Image: ${SCENES.south.id} OUTSIDE AREA OF INTEREST\n`);
  });

  it("does nothing for a job that is no longer waiting to run", async () => {
    const jobId = uuidv7();
    const now = new Date();
    const request = { imagery_list: [SCENES.l2.id], resolution: 600, cores: 1, delete_intermediate: false };
    await store.create(
      buildJobSpec(jobId, request, "tester", config, now),
      createAccepted(jobId, [SCENES.l2.id], now),
    );
    const dismissed = { ...(await store.readStatus(jobId)), status: "dismissed" as const };
    await store.writeStatus(dismissed);
    expect(await runJob(store.jobDir(jobId), { logger })).toBe("skipped");
    expect(await store.readLog(jobId)).toBe("");
  });
});

describe("quicklooks", () => {
  it("writes a true-colour PNG per scene, listed with the outputs, stretched, nodata transparent", async () => {
    const { status, published } = await run([SCENES.l2.id], { resolution: 120, product: "sr" });
    expect(status.status).toBe("successful");
    const outputs = status.scenes[0]!.outputs;
    const quicklook = outputs.find((o) => o.endsWith("_quicklook.png"))!;
    expect(quicklook).toBe(`output/preprocess/${SCENES.l2.id}/${SCENES.l2.id}_quicklook.png`);
    const png = gdal.open(path.join(published, quicklook));
    const b4 = gdal.open(
      path.join(
        published,
        outputs.find((o) => o.endsWith("_B4_sr.tif"))!,
      ),
    );
    try {
      expect(png.driver.description).toBe("PNG");
      expect(png.bands.count()).toBe(4);
      const { x: width, y: height } = png.rasterSize;
      // The longer side is 512 px; the shape is the raster's.
      expect(Math.max(width, height)).toBe(512);
      expect(Math.abs(width / height - b4.rasterSize.x / b4.rasterSize.y)).toBeLessThan(0.01);
      const alpha = png.bands.get(4).pixels.read(0, 0, width, height, new Uint8Array(width * height));
      // B4 reduced to the PNG's size (nearest): transparent exactly where it is nodata.
      const source = b4.bands
        .get(1)
        .pixels.read(0, 0, b4.rasterSize.x, b4.rasterSize.y, new Int16Array(width * height), {
          buffer_width: width,
          buffer_height: height,
          resampling: gdal.GRA_NearestNeighbor,
        });
      const nodata = b4.bands.get(1).noDataValue;
      let transparent = 0;
      let wrong = 0;
      for (let i = 0; i < alpha.length; i++) {
        if (alpha[i] !== (source[i] === nodata ? 0 : 255)) wrong++;
        if (alpha[i] === 0) transparent++;
      }
      expect(wrong).toBe(0);
      expect(transparent).toBeGreaterThan(0); // the scene's fill around its footprint
      expect(transparent).toBeLessThan(alpha.length);
      // The 2-98 % stretch spreads the red channel over the whole range.
      const red = png.bands.get(1).pixels.read(0, 0, width, height, new Uint8Array(width * height));
      const visible = red.filter((_v, i) => alpha[i] === 255);
      expect(Math.min(...visible)).toBe(1);
      expect(Math.max(...visible)).toBe(255);
    } finally {
      png.close();
      b4.close();
    }
  }, 120_000);
});
