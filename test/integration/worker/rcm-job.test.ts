import fs from "node:fs/promises";
import path from "node:path";
import { Ajv } from "ajv";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { NOISE_FLOOR } from "../../../src/pipeline/sar/sar-calibration.js";
import { expectOneGrid } from "../../helpers/one-grid.js";
import { SCENES } from "../../helpers/paths.js";
import { createSandbox, type Sandbox } from "../../helpers/sandbox.js";
import { runWorkerJob, type WorkerJobResult } from "../../helpers/worker-job.js";
import { checkTerrainCorrected } from "../../helpers/sar-terrain.js";
import { writeSyntheticRadarsat2 } from "../../helpers/synthetic-radarsat2.js";
import { writeSyntheticRcm, zipRcmProduct, type SyntheticRcm } from "../../helpers/synthetic-rcm.js";

// RCM through the whole worker on synthetic products (real layout and XML, known DNs, LUTs running backwards and
// with steps above 1, noise levels, the RPC model over the SRTM fixture tiles): calibration through the shared
// terrain-correction path, noise removal, channel selection, beam modes, compact polarimetry with its STAC Item,
// refused and broken products, and a mixed job with RADARSAT-2 and Landsat on one grid.

const SAR_SCHEMA = path.resolve(
  import.meta.dirname,
  "../../../../shared/fixtures/stac-schemas/extensions/sar/v1.3.0/schema.json",
);

const run = (sandbox: Sandbox, request: Parameters<typeof runWorkerJob>[1]): Promise<WorkerJobResult> =>
  runWorkerJob(sandbox, request, { resolution: 100 });

const rcmDir = (sandbox: Sandbox): string => path.join(sandbox.storage, "rcm-products", "2021", "08", "15");
const srtmDir = (sandbox: Sandbox): string =>
  path.join(sandbox.storage, "required_datasets", "dem", "SRTM41");
const band = (out: string, id: string, name: string): string =>
  path.join(out, "preprocess", id, `${id}_${name}.tif`);

describe("an RCM GRD product (VV, VH) calibrated through the shared SAR path", () => {
  let sandbox: Sandbox;
  let product: SyntheticRcm;
  beforeAll(async () => {
    sandbox = await createSandbox({ scenes: [], copy: ["required_datasets"] });
    product = await writeSyntheticRcm(rcmDir(sandbox));
  });
  afterAll(() => sandbox.remove());

  const linear = { filter: "none", units: "pow", resampling: "near" } as const;

  it.each(["sigma0", "beta0", "gamma0"] as const)(
    "gives %s = (DN² + offset) / A with A expanded from its LUT, where the RPC model and the DEM put each pixel",
    async (calibration) => {
      const job = await run(sandbox, { imagery_list: [product.id], calibration, ...linear });
      expect(job.status.status, JSON.stringify(job.status.scenes)).toBe("successful");
      for (const channel of ["VV", "VH"] as const) {
        const { checked, shifted } = checkTerrainCorrected({
          file: band(job.out, product.id, `${channel}_${calibration}_pow`),
          projection: loadConfig(sandbox.configPath, {}).projection,
          srtmDir: srtmDir(sandbox),
          product,
          expected: product.calibrated(channel, calibration),
        });
        expect(checked).toBeGreaterThan(100);
        expect(shifted).toBeGreaterThan(checked / 2);
      }
    },
    120_000,
  );

  it("subtracts the noise-equivalent sigma0 when asked, held at the floor, and records it", async () => {
    const job = await run(sandbox, { imagery_list: [product.id], noise_removal: true, ...linear });
    expect(job.status.status, JSON.stringify(job.status.scenes)).toBe("successful");
    const calibrated = product.calibrated("VV", "sigma0");
    const noise = product.noise("VV", "sigma0");
    const expected = calibrated.map((value, i) => Math.max(value - noise[i % product.samples]!, NOISE_FLOOR));
    const { checked } = checkTerrainCorrected({
      file: band(job.out, product.id, "VV_sigma0_pow"),
      projection: loadConfig(sandbox.configPath, {}).projection,
      srtmDir: srtmDir(sandbox),
      product,
      expected,
      // The calibrated Float32 value less the noise keeps fewer significant digits.
      digits: 4,
    });
    expect(checked).toBeGreaterThan(100);
    // The noise is not negligible here: the check above would fail on the calibrated values alone.
    const relative = Array.from(noise).map((n, i) => n / calibrated[i]!);
    expect(Math.max(...relative)).toBeGreaterThan(1e-3);
    const metadata = JSON.parse(
      await fs.readFile(path.join(job.out, "metadata", `${product.id}.json`), "utf8"),
    ) as { provenance: Record<string, unknown> };
    expect(metadata.provenance["noiseRemoval"]).toMatchObject({ floor: "1e-5 (-50 dB)" });
  }, 120_000);

  it("makes only the channels asked for", async () => {
    const job = await run(sandbox, { imagery_list: [product.id], bands: { RCM: ["VH"] } });
    expect(job.status.status).toBe("successful");
    const files = await fs.readdir(path.join(job.out, "preprocess", product.id));
    expect(files.filter((f) => f.endsWith(".tif"))).toEqual([`${product.id}_VH_sigma0_db.tif`]);
  }, 120_000);
});

describe("RCM compact polarimetry (CH, CV) in dB, with its STAC Item", () => {
  let sandbox: Sandbox;
  let product: SyntheticRcm;
  let job: WorkerJobResult;
  beforeAll(async () => {
    sandbox = await createSandbox({ scenes: [], copy: ["required_datasets"] });
    product = await writeSyntheticRcm(rcmDir(sandbox), {
      channels: ["CH", "CV"],
      looks: { range: 2, azimuth: 2 },
    });
    job = await run(sandbox, { imagery_list: [product.id] });
  }, 120_000);
  afterAll(() => sandbox.remove());

  it("publishes gamma-filtered dB backscatter per channel and a quicklook", async () => {
    expect(job.status.status, JSON.stringify(job.status.scenes)).toBe("successful");
    const files = (await fs.readdir(path.join(job.out, "preprocess", product.id))).sort();
    expect(files).toEqual(
      [
        `${product.id}_CH_sigma0_db.tif`,
        `${product.id}_CV_sigma0_db.tif`,
        `${product.id}_quicklook.png`,
        `${product.id}_stack.vrt`,
      ].sort(),
    );
    const ds = gdal.open(band(job.out, product.id, "CH_sigma0_db"));
    const stats = ds.bands.get(1).getStatistics(false, true) as { min: number; max: number };
    ds.close();
    // Around the synthetic areas' -14 dB and -6 dB (0.04 and 0.25 linear).
    expect(stats.min).toBeGreaterThan(-25);
    expect(stats.max).toBeLessThan(5);
  });

  it("describes the channels with the sar extension, valid against its schema", async () => {
    const item = JSON.parse(
      await fs.readFile(path.join(job.out, "metadata", `${product.id}.stac.json`), "utf8"),
    ) as { properties: Record<string, unknown> };
    expect(item.properties).toMatchObject({
      platform: "rcm-1",
      "sar:instrument_mode": "16M5",
      "sar:frequency_band": "C",
      "sar:polarizations": ["CH", "CV"],
      "sar:product_type": "GRD",
      "agricarta:provenance": {
        speckleFilter: { kind: "gamma", window: 7, looks: 4 },
        noiseRemoval: null,
        geolocation: "rpc",
      },
    });
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile(JSON.parse(await fs.readFile(SAR_SCHEMA, "utf8")) as object);
    expect(validate(item), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe("RCM products a job leaves out or cannot read", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await createSandbox({
      scenes: [SCENES.l2],
      copy: ["required_datasets"],
      configLines: ["PARAMS: { LC8: { bands: [B4], product: sr }, RCM: { modes: [16M5, 5M9] } }"],
    });
  });
  afterAll(() => sandbox.remove());

  it("skips a product of a beam mode outside PARAMS.RCM.modes, saying why", async () => {
    const product = await writeSyntheticRcm(rcmDir(sandbox), {
      beamMode: "3M11",
      time: "2021-08-15T09:00:00Z",
    });
    const job = await run(sandbox, { imagery_list: [product.id] });
    expect(job.status.scenes[0]).toMatchObject({
      status: "skipped",
      message: "Skipped: beam mode 3M11 is not among PARAMS.RCM.modes (16M5, 5M9)",
    });
  });

  it("fails geocoded, missing and broken products alone, naming the reason, and publishes the rest", async () => {
    const dir = rcmDir(sandbox);
    const good = await writeSyntheticRcm(dir, { time: "2021-08-15T10:00:00Z" });
    const geocoded = await writeSyntheticRcm(dir, { time: "2021-08-15T10:00:01Z", productType: "GCD" });
    const noXml = await writeSyntheticRcm(dir, { time: "2021-08-15T10:00:02Z" });
    await fs.rm(noXml.productXml);
    const badLut = await writeSyntheticRcm(dir, { time: "2021-08-15T10:00:03Z" });
    await fs.writeFile(path.join(badLut.dir, "metadata", "calibration", "lutSigma_VV.xml"), "<lut><gains>");
    const job = await run(sandbox, { imagery_list: [good.id, geocoded.id, noXml.id, badLut.id] });
    expect(job.status.status).toBe("failed");
    const [ok, ...broken] = job.status.scenes;
    expect(ok!.status).toBe("successful");
    expect(broken.map((s) => s.status)).toEqual(["failed", "failed", "failed"]);
    expect(broken[0]!.message).toMatch(/GCD products are map-projected/);
    expect(broken[1]!.message).toMatch(/product\.xml/);
    expect(broken[2]!.message).toMatch(/lutSigma_VV\.xml/);
    expect(await fs.readdir(path.join(job.out, "preprocess"))).toEqual([good.id]);
  }, 120_000);

  it("reads a zipped product in place, on one grid with a RADARSAT-2 product and a Landsat scene", async () => {
    const product = await writeSyntheticRcm(rcmDir(sandbox), { time: "2021-08-15T11:00:00Z" });
    await zipRcmProduct(product.dir, `${product.dir}.zip`);
    await fs.rm(product.dir, { recursive: true });
    const rs2 = await writeSyntheticRadarsat2(path.join(sandbox.storage, "rs2-products", "2015", "08", "22"));
    const job = await run(sandbox, { imagery_list: [product.id, rs2.id, SCENES.l2.id] });
    expect(job.status.status, JSON.stringify(job.status.scenes)).toBe("successful");
    expectOneGrid(
      [
        band(job.out, product.id, "VV_sigma0_db"),
        band(job.out, rs2.id, "HH_sigma0_db"),
        band(job.out, SCENES.l2.id, "B4_sr"),
      ],
      100,
    );
  }, 120_000);
});
