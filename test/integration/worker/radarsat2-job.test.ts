import fs from "node:fs/promises";
import path from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { expectOneGrid } from "../../helpers/one-grid.js";
import { checkTerrainCorrected, readBand } from "../../helpers/sar-terrain.js";
import { SCENES } from "../../helpers/paths.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { runWorkerJob, type WorkerJobResult } from "../../helpers/worker-job.js";
import {
  writeSyntheticRadarsat2,
  zipRadarsat2Product,
  type SyntheticRadarsat2,
} from "../../helpers/synthetic-radarsat2.js";

// RADARSAT-2 through the whole worker, on synthetic products with known DNs, LUTs and RPC model over the SRTM
// fixture tiles: calibrated, filtered, terrain-corrected backscatter on the job grid, its units, STAC Item and
// quicklook; beam modes skipped; broken products failing alone; a mixed job with Landsat on one grid.

const SAR_SCHEMA = path.resolve(
  import.meta.dirname,
  "../../../../shared/fixtures/stac-schemas/extensions/sar/v1.3.0/schema.json",
);

const run = (sandbox: Sandbox, request: Parameters<typeof runWorkerJob>[1]): Promise<WorkerJobResult> =>
  runWorkerJob(sandbox, request, { resolution: 100 });

const productsDir = (sandbox: Sandbox): string =>
  path.join(sandbox.storage, "rs2-products", "2015", "08", "22");

describe("a RADARSAT-2 SGF product (HH, HV) through the worker", () => {
  let sandbox: Sandbox;
  let product: SyntheticRadarsat2;
  let dB: WorkerJobResult;
  let pow: WorkerJobResult;
  beforeAll(async () => {
    sandbox = await createSandbox({ scenes: [], copy: ["required_datasets"] });
    product = await writeSyntheticRadarsat2(productsDir(sandbox), { looks: { range: 2, azimuth: 2 } });
    dB = await run(sandbox, { imagery_list: [product.id] });
    pow = await run(sandbox, { imagery_list: [product.id], units: "pow" });
  }, 120_000);
  afterAll(() => sandbox.remove());

  it("publishes dB backscatter per polarisation, a quicklook, metadata and a STAC Item", async () => {
    expect(dB.status.status, JSON.stringify(dB.status.scenes)).toBe("successful");
    const dir = path.join(dB.out, "preprocess", product.id);
    const files = (await fs.readdir(dir)).sort();
    expect(files).toEqual(
      [
        `${product.id}_HH_sigma0_db.tif`,
        `${product.id}_HV_sigma0_db.tif`,
        `${product.id}_quicklook.png`,
        `${product.id}_stack.vrt`,
      ].sort(),
    );
    expect(dB.log).toContain(`Image: ${product.id} PREPROCESSED`);
  });

  it("writes dB as 10 log10 of the linear power, nodata outside the footprint", () => {
    for (const pol of ["HH", "HV"]) {
      const decibels = readBand(
        path.join(dB.out, "preprocess", product.id, `${product.id}_${pol}_sigma0_db.tif`),
      );
      const power = readBand(
        path.join(pow.out, "preprocess", product.id, `${product.id}_${pol}_sigma0_pow.tif`),
      );
      expect(decibels.transform).toEqual(power.transform);
      let valid = 0;
      for (let i = 0; i < power.values.length; i++) {
        if (power.values[i] === power.nodata) {
          expect(decibels.values[i]).toBe(decibels.nodata);
          continue;
        }
        valid++;
        expect(decibels.values[i]).toBeCloseTo(10 * Math.log10(power.values[i]!), 4);
      }
      expect(valid).toBeGreaterThan(power.values.length / 3);
      // The footprint is a lat/lon rectangle: in Albers its corners are nodata.
      expect(power.values[0]).toBe(power.nodata);
      expect(power.values[power.values.length - 1]).toBe(power.nodata);
    }
  });

  it("describes the scene with the sar extension, valid against its schema", async () => {
    const item = JSON.parse(
      await fs.readFile(path.join(dB.out, "metadata", `${product.id}.stac.json`), "utf8"),
    ) as { properties: Record<string, unknown>; stac_extensions: string[] };
    expect(item.properties).toMatchObject({
      platform: "radarsat-2",
      "sar:instrument_mode": "W2",
      "sar:frequency_band": "C",
      "sar:center_frequency": 5.405,
      "sar:polarizations": ["HH", "HV"],
      "sar:product_type": "SGF",
      "sar:looks_range": 2,
      "sar:looks_azimuth": 2,
    });
    const provenance = item.properties["agricarta:provenance"] as Record<string, unknown>;
    expect(provenance).toMatchObject({
      calibration: "sigma0",
      units: "dB",
      speckleFilter: { kind: "gamma", window: 7, looks: 4 },
      geolocation: "rpc",
      terrainCorrection: { dem: "SRTM", tiles: ["N50E008", "N50E009"], missingTiles: [] },
    });
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile(JSON.parse(await fs.readFile(SAR_SCHEMA, "utf8")) as object);
    expect(validate(item), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe("RADARSAT-2 terrain correction in a job", () => {
  let sandbox: Sandbox;
  let product: SyntheticRadarsat2;
  let job: WorkerJobResult;
  beforeAll(async () => {
    sandbox = await createSandbox({ scenes: [], copy: ["required_datasets"] });
    product = await writeSyntheticRadarsat2(productsDir(sandbox), { polarisations: ["HH"] });
    job = await run(sandbox, {
      imagery_list: [product.id],
      filter: "none",
      units: "pow",
      resampling: "near",
    });
  }, 120_000);
  afterAll(() => sandbox.remove());

  it("puts each output pixel where the RPC model sees the ground at its SRTM height above the geoid", () => {
    expect(job.status.status, JSON.stringify(job.status.scenes)).toBe("successful");
    const { checked, shifted } = checkTerrainCorrected({
      file: path.join(job.out, "preprocess", product.id, `${product.id}_HH_sigma0_pow.tif`),
      projection: loadConfig(sandbox.configPath, {}).projection,
      srtmDir: path.join(sandbox.storage, "required_datasets", "dem", "SRTM41"),
      product,
      expected: product.calibrated("HH", "sigma0"),
    });
    expect(checked).toBeGreaterThan(100);
    // The terrain (about 100 to 600 m here, one sample per 100 m) moves most pixels off where flat ground would be.
    expect(shifted).toBeGreaterThan(checked / 2);
  });

  it("records the filter as none, the units as pow, and the DEM tiles used", async () => {
    const metadata = JSON.parse(
      await fs.readFile(path.join(job.out, "metadata", `${product.id}.json`), "utf8"),
    ) as { provenance: Record<string, unknown>; bands: { file: string; units: string }[] };
    expect(metadata.provenance).toMatchObject({
      speckleFilter: null,
      units: "pow",
      terrainCorrection: { tiles: ["N50E008", "N50E009"] },
    });
    expect(metadata.bands.map((b) => b.file)).toEqual([
      path.join("preprocess", product.id, `${product.id}_HH_sigma0_pow.tif`),
    ]);
  });
});

describe("RADARSAT-2 products a job leaves out or cannot read", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await createSandbox({
      scenes: [SCENES.l2],
      copy: ["required_datasets"],
      configLines: ["PARAMS: { LC8: { bands: [B4], product: sr }, RS2: { modes: [W2, S3] } }"],
    });
  });
  afterAll(() => sandbox.remove());

  it("skips a product of a beam mode outside PARAMS.RS2.modes, saying why", async () => {
    const product = await writeSyntheticRadarsat2(productsDir(sandbox), { beamMode: "F1" });
    const job = await run(sandbox, { imagery_list: [product.id] });
    expect(job.status.scenes[0]).toMatchObject({
      status: "skipped",
      message: "Skipped: beam mode F1 is not among PARAMS.RS2.modes (W2, S3)",
    });
    expect(job.log).toContain(`Image: ${product.id} SKIPPED: beam mode F1`);
  });

  it("fails each broken product alone, naming the file, and publishes the rest", async () => {
    const dir = productsDir(sandbox);
    const good = await writeSyntheticRadarsat2(dir, { time: "2015-08-22T10:00:00Z" });
    const noXml = await writeSyntheticRadarsat2(dir, { time: "2015-08-22T10:00:01Z" });
    await fs.rm(noXml.productXml);
    const badLut = await writeSyntheticRadarsat2(dir, { time: "2015-08-22T10:00:02Z" });
    await fs.writeFile(
      path.join(badLut.dir, "lutSigma.xml"),
      "<lut><offset>0</offset><gains>1 x</gains></lut>",
    );
    const noHv = await writeSyntheticRadarsat2(dir, { time: "2015-08-22T10:00:03Z" });
    await fs.rm(path.join(noHv.dir, "imagery_HV.tif"));
    const slc = await writeSyntheticRadarsat2(dir, { time: "2015-08-22T10:00:04Z", productType: "SLC" });
    const job = await run(sandbox, {
      imagery_list: [good.id, noXml.id, badLut.id, noHv.id, slc.id],
    });
    expect(job.status.status).toBe("failed");
    const [ok, ...broken] = job.status.scenes;
    expect(ok!.status).toBe("successful");
    expect(broken.map((s) => s.status)).toEqual(["failed", "failed", "failed", "failed"]);
    expect(broken[0]!.message).toMatch(/product\.xml not found/);
    expect(broken[1]!.message).toMatch(/lutSigma\.xml: <.*gains> value 2 of 2 is not a number: "x"/);
    expect(broken[2]!.message).toMatch(/imagery_HV\.tif/);
    expect(broken[3]!.message).toMatch(/SLC .*not supported/);
    // Nothing of a failed scene is published.
    const published = await fs.readdir(path.join(job.out, "preprocess"));
    expect(published).toEqual([good.id]);
  }, 120_000);

  it("places a product without rational functions by its tie points, saying so", async () => {
    const product = await writeSyntheticRadarsat2(productsDir(sandbox), {
      time: "2015-08-22T12:00:00Z",
      rpc: false,
    });
    const job = await run(sandbox, { imagery_list: [product.id] });
    expect(job.status.status, JSON.stringify(job.status.scenes)).toBe("successful");
    expect(job.status.scenes[0]!.message).toMatch(/no rational functions: placed by its tie-point grid/);
    expect(job.log).toContain(`Image: ${product.id} NOTE: the product has no rational functions`);
    const item = JSON.parse(
      await fs.readFile(path.join(job.out, "metadata", `${product.id}.stac.json`), "utf8"),
    ) as { properties: Record<string, unknown>; bbox: number[] };
    expect(item.properties["agricarta:provenance"]).toMatchObject({
      geolocation: "gcp",
      terrainCorrection: null,
    });
    // Placed where the tie points say: the output's extent (a rectangle on the Albers grid, so its corners reach
    // past the tilted lat/lon footprint) holds the synthetic footprint, lat 50.2-50.6, lon 8.3-9.0, and little more.
    const [west, south, east, north] = item.bbox as [number, number, number, number];
    expect(west).toBeLessThan(8.3);
    expect(west).toBeGreaterThan(8.0);
    expect(east).toBeGreaterThan(9.0);
    expect(east).toBeLessThan(9.3);
    expect(south).toBeLessThan(50.2);
    expect(south).toBeGreaterThan(50.0);
    expect(north).toBeGreaterThan(50.6);
    expect(north).toBeLessThan(50.8);
  }, 120_000);

  it("reads a zipped product in place and puts it on one grid with a Landsat scene", async () => {
    const dir = productsDir(sandbox);
    const product = await writeSyntheticRadarsat2(dir, { time: "2015-08-22T11:00:00Z" });
    await zipRadarsat2Product(product.dir, `${product.dir}.zip`);
    await fs.rm(product.dir, { recursive: true });
    const job = await run(sandbox, { imagery_list: [product.id, SCENES.l2.id] });
    expect(job.status.status, JSON.stringify(job.status.scenes)).toBe("successful");
    expectOneGrid(
      [
        path.join(job.out, "preprocess", product.id, `${product.id}_HH_sigma0_db.tif`),
        path.join(job.out, "preprocess", SCENES.l2.id, `${SCENES.l2.id}_B4_sr.tif`),
      ],
      100,
    );
  }, 120_000);
});
