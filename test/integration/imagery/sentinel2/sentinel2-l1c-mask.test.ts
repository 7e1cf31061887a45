import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MaskFlag } from "../../../../src/common/mask-flags.js";
import type { Resampling } from "../../../../src/common/resampling.js";
import { MaskError } from "../../../../src/imagery/landsat/landsat-qa.js";
import { sentinel2Sensor } from "../../../../src/imagery/sentinel2/sentinel2-sensor.js";
import { INT16_NODATA } from "../../../../src/pipeline/band-conversion.js";
import { MASK_NODATA } from "../../../../src/pipeline/mask-output.js";
import { preprocessScene } from "../../../../src/pipeline/preprocess-scene.js";
import {
  SYNTHETIC_L1C_EPSG,
  SYNTHETIC_L1C_OFFSET,
  writeSyntheticL1c,
  type SyntheticL1c,
  type SyntheticL1cOptions,
} from "../../../helpers/synthetic-sentinel2-l1c.js";
import { sceneOf, tempDir, zipFolder } from "./sentinel2-fixtures.js";

// L1C masking from MSK_CLASSI (baseline 04.00 on) on a made-up product with known pixels, through the sensor's plan
// and the pipeline: which output pixels are nodata for each flag, that fill (DN 0) stays nodata with a mask under
// any resampling, the mask output, a zipped product, and the scenes that must fail (a 03.01 product asked for
// clouds, a missing or malformed MSK_CLASSI).

/** B02 (10 m, 60 x 60): fill in columns 0-6 (70 m: across a 60 m cell's edge) and at one lost pixel. */
const b02 = (x: number, y: number): number =>
  x < 7 || (x === 40 && y === 30) ? 0 : 1500 + ((7 * x + 13 * y) % 500);
/** B8A (20 m, 30 x 30): fill in rows 0-1 (40 m), where B02 is valid. */
const b8a = (x: number, y: number): number => (y < 2 ? 0 : 2000 + ((x + y) % 100));
/** The 60 m cell's classes as bits (1 opaque clouds, 2 cirrus, 4 snow): every combination occurs. */
const code = (cx: number, cy: number): number => (cx < 2 ? 0 : (cx + 2 * cy) % 8);
const classification = (cx: number, cy: number) =>
  [code(cx, cy) & 1, (code(cx, cy) >> 1) & 1, (code(cx, cy) >> 2) & 1] as const;

const VALID_MIN = 1500 + SYNTHETIC_L1C_OFFSET;
const VALID_MAX = 1999 + SYNTHETIC_L1C_OFFSET;

let root: string;
beforeAll(async () => {
  root = await tempDir();
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

async function product(options: Partial<SyntheticL1cOptions> = {}): Promise<SyntheticL1c> {
  const dir = await fs.mkdtemp(path.join(root, "product-"));
  return writeSyntheticL1c(dir, {
    baseline: "05.09",
    bands: { B02: b02, B8A: b8a },
    classification,
    ...options,
  });
}

interface Run {
  readonly bands: readonly string[];
  readonly mask: readonly MaskFlag[];
  readonly resampling?: Resampling;
  readonly resolution?: number;
  readonly maskOutput?: boolean;
  /** A zip read in place instead of the folder. */
  readonly zip?: string;
}

/** The sensor's plan and the pipeline on the product; each output band (and the mask output) as read back. */
async function run(l1c: SyntheticL1c, options: Run) {
  const scene = sceneOf(l1c.id);
  const readRoot = options.zip === undefined ? l1c.safe : sentinel2Sensor.readRoot(options.zip, "zip", scene);
  const plan = await sentinel2Sensor.plan(readRoot, scene, {
    bands: options.bands,
    product: "toa",
    reflectanceType: "int16",
    mask: options.mask,
  });
  const outputRoot = await fs.mkdtemp(path.join(root, "out-"));
  const result = await preprocessScene({
    sceneId: l1c.id,
    bands: plan.bands,
    qaMask: plan.qaMask,
    resampling: options.resampling ?? "near",
    resampClip: false,
    outputRoot,
    grid: { projection: `EPSG:${SYNTHETIC_L1C_EPSG}`, resolution: options.resolution ?? 10 },
    threads: 2,
    maskOutput: options.maskOutput,
  });
  const bands = Object.fromEntries(result.outputs.map((o) => [o.band, read(path.join(outputRoot, o.file))]));
  const mask = result.mask === undefined ? undefined : read(path.join(outputRoot, result.mask));
  return { bands, mask };
}

function read(file: string): { x: number; y: number; pixels: number[] } {
  const dataset = gdal.open(file);
  try {
    const { x, y } = dataset.rasterSize;
    return { x, y, pixels: Array.from(dataset.bands.get(1).pixels.read(0, 0, x, y), Number) };
  } finally {
    dataset.close();
  }
}

/** Checks B02 at 10 m pixel by pixel: nodata exactly where `dropped`, DN + offset (toa x 1e4) elsewhere. */
function expectB02(
  band: { x: number; pixels: number[] },
  dropped: (x: number, y: number) => boolean,
): number {
  expect(band.x).toBe(60);
  let nodata = 0;
  band.pixels.forEach((value, i) => {
    const [x, y] = [i % 60, Math.floor(i / 60)];
    const expected = dropped(x, y) ? INT16_NODATA : b02(x, y) + SYNTHETIC_L1C_OFFSET;
    if (value !== expected) throw new Error(`B02 (${x}, ${y}): ${value}, not ${expected}`);
    if (expected === INT16_NODATA) nodata++;
  });
  return nodata;
}

const cell = (x: number, y: number): number => code(Math.floor(x / 6), Math.floor(y / 6));

describe("an L1C product of baseline 05.09 masked with MSK_CLASSI", () => {
  let l1c: SyntheticL1c;
  beforeAll(async () => {
    l1c = await product();
  });

  it.each([
    [["cloud"], 0b001],
    [["cirrus", "snow"], 0b110],
    [["fill"], 0],
    [["cloud", "cirrus", "snow"], 0b111],
  ] as const)(
    "%j: nodata where the 60 m cell has those classes or DN is 0, values elsewhere",
    async (mask, bits) => {
      const { bands } = await run(l1c, { bands: ["B02"], mask });
      const nodata = expectB02(bands.B02!, (x, y) => b02(x, y) === 0 || (cell(x, y) & bits) !== 0);
      expect(nodata).toBeGreaterThan(7 * 60);
    },
  );

  it("writes the mask output on the band's grid: 1 dropped (fill or a flag), 0 kept", async () => {
    const { bands, mask } = await run(l1c, { bands: ["B02"], mask: ["cloud"], maskOutput: true });
    expect(mask).toMatchObject({ x: 60, y: 60 });
    mask!.pixels.forEach((value, i) => {
      const [x, y] = [i % 60, Math.floor(i / 60)];
      const dropped = b02(x, y) === 0 || (cell(x, y) & 1) !== 0;
      if (value !== (dropped ? 1 : 0)) throw new Error(`mask (${x}, ${y}): ${value}`);
      if (dropped !== (bands.B02!.pixels[i] === INT16_NODATA)) throw new Error(`B02 (${x}, ${y}) disagrees`);
    });
    expect(mask!.pixels).not.toContain(MASK_NODATA);
  });

  it("drops the fill of every requested band from each of them (as L2A's SCL no-data does)", async () => {
    const { bands } = await run(l1c, { bands: ["B02", "B8A"], mask: ["fill"] });
    // B8A's fill (rows 0-3 at 10 m) is nodata in B02 too, on top of B02's own.
    expectB02(bands.B02!, (x, y) => b02(x, y) === 0 || y < 4);
    const nir = bands.B8A!;
    nir.pixels.forEach((value, i) => {
      const [x, y] = [i % 60, Math.floor(i / 60)];
      if (b8a(x >> 1, y >> 1) === 0 && value !== INT16_NODATA)
        throw new Error(`B8A fill (${x}, ${y}): ${value}`);
    });
  });

  // With a mask band the warp ignores the band's nodata: were fill not in the mask, DN 0 pixels would count as
  // valid -32768s, blended into their neighbours (or written as -32767) by any resampling but nearest.
  it.each(["bilinear", "cubic", "average"] as const)(
    "keeps fill out of %s resampling: no value is blended with nodata, and all-fill pixels stay nodata",
    async (resampling) => {
      const { bands } = await run(l1c, { bands: ["B02"], mask: ["cloud"], resampling, resolution: 30 });
      const band = bands.B02!;
      expect(band.x).toBe(20);
      const values = band.pixels.filter((v) => v !== INT16_NODATA);
      expect(values.length).toBeGreaterThan(100);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(VALID_MIN);
      expect(Math.max(...values)).toBeLessThanOrEqual(VALID_MAX);
      // Columns 0-1 at 30 m lie wholly over B02's fill (0-70 m).
      for (let y = 0; y < 20; y++)
        expect([band.pixels[y * 20], band.pixels[y * 20 + 1]]).toEqual([INT16_NODATA, INT16_NODATA]);
    },
  );

  it("reads a zipped product in place alike", async () => {
    const zip = path.join(root, `${l1c.id}.zip`);
    await zipFolder(l1c.safe, zip);
    const { bands } = await run(l1c, { bands: ["B02"], mask: ["cloud"], zip });
    expectB02(bands.B02!, (x, y) => b02(x, y) === 0 || (cell(x, y) & 1) !== 0);
  });

  it("fails a flag MSK_CLASSI cannot express", async () => {
    await expect(run(l1c, { bands: ["B02"], mask: ["cloud_shadow"] })).rejects.toThrow(
      /MSK_CLASSI\) has no cloud_shadow flag/,
    );
  });
});

describe("L1C products whose classification mask is missing or unusable", () => {
  it("before baseline 04.00: only fill can be masked; clouds fail the scene saying why", async () => {
    const l1c = await product({ baseline: "03.01", classification: undefined });
    const error = await run(l1c, { bands: ["B02"], mask: ["fill", "cloud"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaskError);
    expect((error as Error).message).toBe(
      `${l1c.id}: processing baseline 03.01 has no raster classification mask (MSK_CLASSI_B00.jp2 comes with ` +
        "baseline 04.00; older products keep their cloud masks as GML vectors, MSK_CLOUDS_B00.gml), so only fill " +
        "can be masked",
    );
    // No offset before 04.00: toa x 1e4 is the DN itself.
    const { bands } = await run(l1c, {
      bands: ["B02"],
      mask: ["fill"],
      resampling: "bilinear",
      resolution: 30,
    });
    const values = bands.B02!.pixels.filter((v) => v !== INT16_NODATA);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(1500);
    expect(bands.B02!.pixels[0]).toBe(INT16_NODATA);
  });

  it("fails when the MSK_CLASSI the tile lists is not in the product", async () => {
    const l1c = await product({ classification: undefined });
    await expect(run(l1c, { bands: ["B02"], mask: ["snow"] })).rejects.toThrow(
      `${l1c.id}: the classification mask ${l1c.granule}/QI_DATA/MSK_CLASSI_B00.jp2 the metadata lists is not in the product`,
    );
    // Fill alone does not need it.
    const { bands } = await run(l1c, { bands: ["B02"], mask: ["fill"] });
    expectB02(bands.B02!, (x, y) => b02(x, y) === 0);
  });

  it("fails when MSK_CLASSI has not the three bands", async () => {
    const l1c = await product({ classificationBands: 1 });
    await expect(run(l1c, { bands: ["B02"], mask: ["cloud"] })).rejects.toThrow(
      /MSK_CLASSI_B00.jp2 has 1 bands, not the 3 of MSK_CLASSI/,
    );
  });
});
