import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S2_L2A, SCENES } from "../../helpers/paths.js";
import { expectOneGrid } from "../../helpers/one-grid.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { runWorkerJob, type WorkerJobResult } from "../../helpers/worker-job.js";

// Sentinel-2 through the whole worker, on the real L2A product (baseline 04.00, 60 m bands): values against the
// formula from its MTD, SCL masking, a mixed Landsat + Sentinel-2 job on one grid, a zipped product read in
// place, and broken products that fail alone.

const SAFE = `${S2_L2A.id}.SAFE`;
const GRANULE = "GRANULE/L2A_T29UNU_A038058_20221005T115407";
const band60 = (band: string): string => `${GRANULE}/IMG_DATA/R60m/T29UNU_20221005T115411_${band}_60m.jp2`;

async function sandboxWith(projection: string): Promise<Sandbox> {
  return createSandbox({
    scenes: [SCENES.l2],
    copy: [S2_L2A.tileDir],
    configLines: [`PROJECTION: "${projection}"`, "PARAMS: { S2: { bands: [B02, B03, B04] } }"],
  });
}

const run = (sandbox: Sandbox, request: Parameters<typeof runWorkerJob>[1]): Promise<WorkerJobResult> =>
  runWorkerJob(sandbox, request, { resolution: 60 });

function readBand(file: string): {
  values: ArrayLike<number>;
  nodata: number | null;
  transform: number[];
} {
  const ds = gdal.open(file);
  try {
    const band = ds.bands.get(1);
    const { x, y } = ds.rasterSize;
    return {
      values: Array.from(band.pixels.read(0, 0, x, y), Number),
      nodata: band.noDataValue,
      transform: ds.geoTransform!,
    };
  } finally {
    ds.close();
  }
}

describe("a Sentinel-2 L2A scene on the tile's own UTM grid at 60 m", () => {
  let sandbox: Sandbox;
  let result: WorkerJobResult;
  beforeAll(async () => {
    sandbox = await sandboxWith("EPSG:32629");
    result = await run(sandbox, { imagery_list: [SAFE], resampling: "near" });
  }, 180_000);
  afterAll(() => sandbox.remove());

  it("is processed with the seed's log lines and names outputs after the product id", () => {
    expect(result.status.status).toBe("successful");
    expect(result.log).toMatch(new RegExp(`Image: ${SAFE} FOUND\\nImage: ${SAFE} COPIED`));
    expect(result.log).toMatch(/Product: sr/);
    const tifs = result.status.scenes[0]!.outputs.filter((o) => o.endsWith(".tif")).map((o) =>
      path.basename(o),
    );
    expect(tifs).toEqual(["B02", "B03", "B04"].map((b) => `${S2_L2A.id}_${b}_sr.tif`));
  });

  it("gives (DN + BOA_ADD_OFFSET) / BOA_QUANTIFICATION_VALUE at every pixel, DN 0 as nodata", async () => {
    const mtd = await fs.readFile(path.join(sandbox.storage, S2_L2A.tileDir, SAFE, "MTD_MSIL2A.xml"), "utf8");
    const quantification = Number(/<BOA_QUANTIFICATION_VALUE[^>]*>([^<]+)</.exec(mtd)![1]);
    const offset = Number(/<BOA_ADD_OFFSET band_id="1">([^<]+)</.exec(mtd)![1]);
    expect([quantification, offset]).toEqual([10000, -1000]);
    const dn = readBand(path.join(sandbox.storage, S2_L2A.tileDir, SAFE, band60("B02")));
    const sr = readBand(path.join(result.out, "preprocess", S2_L2A.id, `${S2_L2A.id}_B02_sr.tif`));
    expect(sr.transform).toEqual(dn.transform);
    expect(sr.values.length).toBe(dn.values.length);
    let valid = 0;
    for (let i = 0; i < dn.values.length; i++) {
      const q = dn.values[i]!;
      const expected = q === 0 ? sr.nodata : Math.round(((q + offset) / quantification) * 1e4);
      if (sr.values[i] !== expected)
        throw new Error(`pixel ${i}: DN ${q} gave ${sr.values[i]}, not ${expected}`);
      if (q !== 0) valid++;
    }
    expect(valid).toBeGreaterThan(1_000_000);
  });

  it("writes a STAC Item with eo bands, MGRS tile, baseline and cloud cover, and a true-colour quicklook", async () => {
    const item = JSON.parse(
      await fs.readFile(path.join(result.out, "metadata", `${S2_L2A.id}.stac.json`), "utf8"),
    );
    expect(item.properties).toMatchObject({
      platform: "sentinel-2a",
      instruments: ["msi"],
      "grid:code": "MGRS-29UNU",
      "s2:processing_baseline": "04.00",
      "processing:level": "L2A",
    });
    expect(item.properties["eo:cloud_cover"]).toBeGreaterThanOrEqual(0);
    expect(item.assets.B04["eo:bands"]).toEqual([
      { name: "B04", common_name: "red", center_wavelength: 0.6646 },
    ]);
    expect(item.assets.B04["raster:bands"][0]).toMatchObject({ scale: 1e-4, data_type: "int16" });
    const metadata = JSON.parse(
      await fs.readFile(path.join(result.out, "metadata", `${S2_L2A.id}.json`), "utf8"),
    );
    expect(metadata.provenance.bandFiles.B02).toEqual({ file: band60("B02"), resolution: 60 });
    const png = gdal.open(path.join(result.out, "preprocess", S2_L2A.id, `${S2_L2A.id}_quicklook.png`));
    expect(png.bands.count()).toBe(4);
    png.close();
  });

  it("masks SCL classes: cloud drops SCL 8 and 9 (and no data, 0 and 1), read from the 20 m SCL", async () => {
    const masked = await run(sandbox, {
      imagery_list: [S2_L2A.id],
      resampling: "near",
      mask: ["cloud"],
      bands: { S2: ["B04"] },
    });
    expect(masked.status.status).toBe("successful");
    const product = path.join(sandbox.storage, S2_L2A.tileDir, SAFE);
    // The 20 m SCL stretched over the 60 m band by nearest neighbour: pixel (x, y) reads SCL (3x + 1, 3y + 1).
    const scl = readBand(path.join(product, `${GRANULE}/IMG_DATA/R20m/T29UNU_20221005T115411_SCL_20m.jp2`));
    const dn = readBand(path.join(product, band60("B04")));
    const red = readBand(path.join(masked.out, "preprocess", S2_L2A.id, `${S2_L2A.id}_B04_sr.tif`));
    const width = 1830;
    let cloudy = 0;
    for (let i = 0; i < red.values.length; i++) {
      const x = i % width;
      const y = Math.floor(i / width);
      const cls = scl.values[(3 * y + 1) * (3 * width) + 3 * x + 1]!;
      const dropped = [0, 1, 8, 9].includes(cls) || dn.values[i] === 0;
      if ((red.values[i] === red.nodata) !== dropped) {
        throw new Error(`pixel ${i}: SCL ${cls}, DN ${dn.values[i]}, value ${red.values[i]}`);
      }
      if (cls === 8 || cls === 9) cloudy++;
    }
    expect(cloudy).toBeGreaterThan(1000);
  }, 120_000);
});

describe("a job mixing Landsat and Sentinel-2", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await sandboxWith("EPSG:3035");
  });
  afterAll(() => sandbox.remove());

  it("puts both on one grid: same projection, resolution and pixel edges", async () => {
    const mixed = await run(sandbox, { imagery_list: [SCENES.l2.id, S2_L2A.id], resolution: 600 });
    expect(mixed.status.scenes.map((s) => s.status)).toEqual(["successful", "successful"]);
    const files = mixed.status.scenes.map((s) => s.outputs.find((o) => o.endsWith(".tif"))!);
    expectOneGrid(
      files.map((f) => path.join(mixed.out, "..", f)),
      600,
    );
  }, 180_000);
});

describe("Sentinel-2 products that are zipped or broken", () => {
  let sandbox: Sandbox;
  const tile = (): string => path.join(sandbox.storage, S2_L2A.tileDir);
  beforeAll(async () => {
    sandbox = await sandboxWith("EPSG:32629");
  });
  afterAll(() => sandbox.remove());

  it("reads a zipped product in place and stages the zip as it is", async () => {
    const { execFileSync } = await import("node:child_process");
    execFileSync("python3", ["-m", "zipfile", "-c", `${S2_L2A.id}.SAFE.zip`, SAFE], { cwd: tile() });
    await fs.rename(path.join(tile(), SAFE), path.join(tile(), "moved-away"));
    try {
      const zipped = await run(sandbox, {
        imagery_list: [S2_L2A.id],
        resolution: 600,
        bands: { S2: ["B04"] },
      });
      expect(zipped.status.status).toBe("successful");
      const staged = await fs.readdir(path.join(sandbox.workingDir, zipped.jobId, "imagery"));
      expect(staged).toEqual([`${S2_L2A.id}.SAFE.zip`]);
    } finally {
      await fs.rm(path.join(tile(), `${S2_L2A.id}.SAFE.zip`));
      await fs.rename(path.join(tile(), "moved-away"), path.join(tile(), SAFE));
    }
  }, 120_000);

  it("fails a product missing a band file, naming the file, while the Landsat scene goes on", async () => {
    const file = path.join(tile(), SAFE, band60("B03"));
    await fs.rename(file, `${file}.away`);
    try {
      const job = await run(sandbox, { imagery_list: [S2_L2A.id, SCENES.l2.id], resolution: 600 });
      expect(job.status.status).toBe("failed");
      expect(job.status.scenes[0]!.message).toMatch(/B03.*T29UNU_20221005T115411_B03_60m\.jp2/);
      expect(job.status.scenes[1]!.status).toBe("successful");
    } finally {
      await fs.rename(`${file}.away`, file);
    }
  }, 120_000);

  it("fails a product whose MTD lacks the quantification value, naming the file and element", async () => {
    const mtd = path.join(tile(), SAFE, "MTD_MSIL2A.xml");
    const text = await fs.readFile(mtd, "utf8");
    await fs.writeFile(
      mtd,
      text.replace(/<BOA_QUANTIFICATION_VALUE[^>]*>[^<]*<\/BOA_QUANTIFICATION_VALUE>/, ""),
    );
    try {
      const job = await run(sandbox, { imagery_list: [S2_L2A.id], resolution: 600 });
      expect(job.status.scenes[0]!.status).toBe("failed");
      expect(job.status.scenes[0]!.message).toMatch(/MTD_MSIL2A\.xml.*BOA_QUANTIFICATION_VALUE/);
    } finally {
      await fs.writeFile(mtd, text);
    }
  }, 60_000);

  it("says where it looked for a product that is not there", async () => {
    const other = S2_L2A.id.replace("T29UNU", "T30UUU");
    const job = await run(sandbox, { imagery_list: [other], resolution: 600 });
    expect(job.log).toMatch(new RegExp(`Image: ${other} NOT FOUND`));
    expect(job.status.scenes[0]!.message).toMatch(
      /Not found in imagery storage at s2-l2a-products\/tiles\/30\/U\/UU\//,
    );
  });
});
