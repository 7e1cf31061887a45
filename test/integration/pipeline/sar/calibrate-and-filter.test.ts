import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLOAT32_NODATA } from "../../../../src/pipeline/band-conversion.js";
import { calibrateAndFilter } from "../../../../src/pipeline/sar/calibrate-and-filter.js";
import { filterRows } from "../../../../src/pipeline/sar/speckle-filter.js";

// Synthetic radar bands written by GDAL in the layouts products come in (one-row strips, 256 x 256 tiles, complex
// samples), through calibrateAndFilter, read back and checked pixel by pixel against the calibration formula and
// against filterRows run on the whole band at once.

const WIDTH = 700;
const HEIGHT = 530;
const OFFSET = 120;
const LOOKS = 4;
/** Gains along range (RADARSAT-2 sigma0 LUT magnitudes), different in every column. */
const GAINS = Float64Array.from({ length: WIDTH }, (_, x) => 4e5 + 900 * x + 2e4 * Math.sin(x / 7));

/** 20 coefficients of a rational polynomial: nearly linear in longitude (or latitude), a little of the rest. */
const COEFFICIENTS = (first: number): string =>
  ["0.0012", String(first), "0.03", ...Array.from({ length: 17 }, (_, k) => `${k + 3}e-5`)].join(" ");
const RPC: Record<string, string> = {
  LINE_OFF: "265",
  SAMP_OFF: "350",
  LAT_OFF: "50.1",
  LONG_OFF: "8.6",
  HEIGHT_OFF: "150",
  LINE_SCALE: "265",
  SAMP_SCALE: "350",
  LAT_SCALE: "0.05",
  LONG_SCALE: "0.07",
  HEIGHT_SCALE: "500",
  LINE_NUM_COEFF: COEFFICIENTS(-1.02),
  LINE_DEN_COEFF: ["1", ...Array.from({ length: 19 }, () => "0")].join(" "),
  SAMP_NUM_COEFF: COEFFICIENTS(0.98),
  SAMP_DEN_COEFF: ["1", ...Array.from({ length: 19 }, () => "0")].join(" "),
};

/** A seeded uniform generator in (0, 1). */
function uniform(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

/**
 * DNs of 4-look speckle (a sum of 4 exponentials / 4) over sigma0 0.05 left and 0.2 right, with the no-data
 * margin of a ground-range product (DN 0) down its first 13 columns and a few zeros scattered.
 */
function detectedDns(): Uint16Array {
  const random = uniform(17);
  const dn = new Uint16Array(WIDTH * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 13; x < WIDTH; x++) {
      let speckle = 0;
      for (let k = 0; k < LOOKS; k++) speckle -= Math.log(random()) / LOOKS;
      const sigma0 = x < 400 ? 0.05 : 0.2;
      dn[y * WIDTH + x] = random() < 0.003 ? 0 : Math.round(Math.sqrt(sigma0 * speckle * GAINS[x]! - OFFSET));
    }
  }
  return dn;
}

/** The calibration formula, in the test's own words: Float32 linear power, NaN for DN 0. */
function expectedPower(dn: Uint16Array): Float32Array {
  return Float32Array.from(dn, (v, i) => (v === 0 ? NaN : (v * v + OFFSET) / GAINS[i % WIDTH]!));
}

function writeBand(file: string, type: string, bands: readonly ArrayLike<number>[], options: string[]): void {
  const ds = gdal.open(file, "w", "GTiff", WIDTH, HEIGHT, bands.length, type, options);
  try {
    bands.forEach((values, b) => {
      const array = type === "UInt16" ? Uint16Array.from(values) : Int16Array.from(values);
      ds.bands.get(b + 1).pixels.write(0, 0, WIDTH, HEIGHT, array);
    });
    ds.setMetadata(RPC, "RPC");
  } finally {
    ds.close();
  }
}

function readTarget(file: string): {
  values: Float32Array;
  nodata: number | null;
  type: string | null;
  ds: gdal.Dataset;
} {
  const ds = gdal.open(file);
  const band = ds.bands.get(1);
  const values = new Float32Array(WIDTH * HEIGHT);
  band.pixels.read(0, 0, WIDTH, HEIGHT, values);
  return { values, nodata: band.noDataValue, type: band.dataType, ds };
}

function numbers(metadata: Record<string, string>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, v.trim().split(/\s+/).map(Number)]));
}

let dir: string;
const dn = detectedDns();
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-sar-prepare-"));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const LAYOUTS = {
  "one-row strips": ["BLOCKYSIZE=1"],
  "256 x 256 tiles": ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"],
};

describe.each(Object.entries(LAYOUTS))("calibrateAndFilter on UInt16 DNs in %s", (layout, options) => {
  let source: string;
  const calibration = { kind: "detected", gains: GAINS, offset: OFFSET } as const;

  const slug = layout.replace(/\W+/g, "-");
  let sourceRpc: unknown;

  beforeAll(() => {
    source = path.join(dir, `${slug}.tif`);
    writeBand(source, "UInt16", [dn], options);
    const ds = gdal.open(source);
    try {
      const block = ds.bands.get(1).blockSize;
      expect(block).toEqual(layout.includes("strips") ? { x: WIDTH, y: 1 } : { x: 256, y: 256 });
      sourceRpc = ds.getMetadata("RPC");
    } finally {
      ds.close();
    }
  });

  it("writes (DN^2 + offset) / gain at every pixel, nodata where DN is 0, and keeps the RPCs", async () => {
    const target = path.join(dir, `${slug}-none.tif`);
    const result = await calibrateAndFilter({
      source,
      band: 1,
      calibration,
      filter: { kind: "none", window: 7, looks: NaN },
      target,
      rowsPerStripe: 100,
    });
    expect(result).toEqual({
      filter: "none",
      window: 7,
      looks: NaN,
      looksEstimated: false,
      width: WIDTH,
      height: HEIGHT,
      stripes: 6,
    });
    const { values, nodata, type, ds } = readTarget(target);
    try {
      expect([type, nodata]).toEqual(["Float32", FLOAT32_NODATA]);
      expect(ds.bands.get(1).blockSize).toEqual({ x: 256, y: 256 });
      // GDAL reads the tag back with ERR_BIAS and ERR_RAND added (-1, unknown): the target's are the source's.
      const rpc = ds.getMetadata("RPC") as Record<string, string>;
      expect(numbers(rpc)).toMatchObject(numbers(RPC));
      expect(rpc).toEqual(sourceRpc);
    } finally {
      ds.close();
    }
    const expected = expectedPower(dn);
    let wrong = 0;
    for (let i = 0; i < values.length; i++) {
      const e = expected[i]!;
      const ok = Number.isNaN(e) ? values[i] === FLOAT32_NODATA : Math.abs(values[i]! - e) <= 1e-6 * e;
      if (!ok) wrong++;
    }
    expect(wrong).toBe(0);
    expect(values.filter((v) => v === FLOAT32_NODATA).length).toBe(dn.filter((v) => v === 0).length);
    // Everything is in the one file: no partial file, no sidecar (.aux.xml) left behind by the rename.
    expect((await fs.readdir(dir)).filter((f) => f.startsWith(`${slug}-none`))).toEqual([`${slug}-none.tif`]);
  });

  it("filters in stripes to the same bits as filterRows over the whole band", async () => {
    const target = path.join(dir, `${slug}-gamma.tif`);
    const filter = { kind: "gamma", window: 7, looks: LOOKS } as const;
    const result = await calibrateAndFilter({
      source,
      band: 1,
      calibration,
      filter,
      target,
      rowsPerStripe: 100,
    });
    expect(result).toMatchObject({ filter: "gamma", looks: LOOKS, looksEstimated: false, stripes: 6 });
    const whole = filterRows(expectedPower(dn), WIDTH, HEIGHT, 0, HEIGHT, filter).map((v) =>
      Number.isNaN(v) ? FLOAT32_NODATA : v,
    );
    const { values, ds } = readTarget(target);
    ds.close();
    expect(Buffer.from(values.buffer).equals(Buffer.from(whole.buffer))).toBe(true);
  });
});

describe("calibrateAndFilter", () => {
  let source: string;
  let iq: string;
  const i = Int16Array.from({ length: WIDTH * HEIGHT }, (_, k) => ((k * 7919) % 4001) - 2000);
  const q = Int16Array.from({ length: WIDTH * HEIGHT }, (_, k) => ((k * 104729) % 3001) - 1500);
  [i[5], q[5]] = [0, 0];
  const complexPower = Float32Array.from(i, (v, k) =>
    v === 0 && q[k] === 0 ? NaN : (v * v + q[k]! ** 2) / GAINS[k % WIDTH]! ** 2,
  );

  beforeAll(async () => {
    source = path.join(dir, "tiled-source.tif");
    writeBand(source, "UInt16", [dn], ["TILED=YES"]);
    iq = path.join(dir, "iq.tif");
    writeBand(iq, "Int16", [i, q], ["TILED=YES", "INTERLEAVE=BAND"]);
    const band = (b: number): string =>
      `<SimpleSource><SourceFilename relativeToVRT="0">${iq}</SourceFilename><SourceBand>${b}</SourceBand></SimpleSource>`;
    const vrt =
      `<VRTDataset rasterXSize="${WIDTH}" rasterYSize="${HEIGHT}">` +
      `<VRTRasterBand dataType="CInt16" band="1" subClass="VRTDerivedRasterBand">` +
      `<PixelFunctionType>complex</PixelFunctionType>${band(1)}${band(2)}</VRTRasterBand></VRTDataset>`;
    const complex = await gdal.translateAsync(path.join(dir, "cint16.tif"), gdal.open(vrt), [
      "-co",
      "TILED=YES",
    ]);
    expect(complex.bands.get(1).dataType).toBe("CInt16");
    complex.close();
  });

  it.each([
    ["one CInt16 band", "cint16.tif", 1],
    ["two Int16 bands, I and Q", "iq.tif", [1, 2]],
  ] as const)("calibrates complex samples from %s: (I^2 + Q^2) / gain^2", async (_, file, band) => {
    const target = path.join(dir, `complex-${file}`);
    await calibrateAndFilter({
      source: path.join(dir, file),
      band,
      calibration: { kind: "complex", gains: GAINS, offset: 0 },
      filter: { kind: "none", window: 3, looks: 1 },
      target,
      rowsPerStripe: 64,
    });
    const { values, ds } = readTarget(target);
    ds.close();
    expect(values[5]).toBe(FLOAT32_NODATA);
    const wrong = values.filter(
      (v, k) => k !== 5 && !(Math.abs(v - complexPower[k]!) <= 1e-6 * complexPower[k]!),
    );
    expect(wrong.length).toBe(0);
  });

  it("estimates the looks from the data when they are NaN", async () => {
    const result = await calibrateAndFilter({
      source,
      band: 1,
      calibration: { kind: "detected", gains: GAINS, offset: OFFSET },
      filter: { kind: "lee", window: 5, looks: NaN },
      target: path.join(dir, "estimated.tif"),
    });
    expect(result.looksEstimated).toBe(true);
    expect(Math.abs(result.looks / LOOKS - 1)).toBeLessThan(0.15);
    expect(result.stripes).toBe(3);
  });

  it("writes the GCPs it is given, in place of the source's RPCs", async () => {
    const target = path.join(dir, "gcps.tif");
    const corner = (pixel: number, line: number, lon: number, lat: number) => ({
      dfGCPPixel: pixel,
      dfGCPLine: line,
      dfGCPX: lon,
      dfGCPY: lat,
      dfGCPZ: 120,
    });
    const gcps = [corner(0.5, 0.5, 8.5, 50.2), corner(699.5, 0.5, 8.7, 50.2), corner(0.5, 529.5, 8.5, 50.0)];
    await calibrateAndFilter({
      source,
      band: 1,
      calibration: { kind: "detected", gains: GAINS, offset: OFFSET },
      filter: { kind: "none", window: 3, looks: 1 },
      target,
      georeferencing: { gcps: { gcps, srs: "EPSG:4326" } },
    });
    const ds = gdal.open(target);
    try {
      expect(ds.getGCPs()).toMatchObject(gcps);
      expect(gdal.SpatialReference.fromWKT(ds.getGCPProjection()).getAuthorityCode()).toBe("4326");
      expect(ds.getMetadata("RPC")).toEqual({});
    } finally {
      ds.close();
    }
  });

  it("fails naming the file and the reason, and leaves nothing behind", async () => {
    const target = path.join(dir, "refused.tif");
    const options = {
      source,
      band: 3,
      calibration: { kind: "detected", gains: GAINS, offset: 0 },
      filter: { kind: "gamma", window: 7, looks: 4 },
      target,
    } as const;
    await expect(calibrateAndFilter(options)).rejects.toThrow(
      `cannot calibrate ${source} into ${target}: the file has 1 band, no band 3`,
    );
    await expect(
      calibrateAndFilter({
        ...options,
        band: 1,
        calibration: { ...options.calibration, gains: GAINS.subarray(1) },
      }),
    ).rejects.toThrow(/699 calibration gains for an image 700 pixels wide/);
    await expect(
      calibrateAndFilter({ ...options, band: 1, calibration: { ...options.calibration, kind: "complex" } }),
    ).rejects.toThrow(/band 1 is UInt16, not a band of complex samples/);
    const rpc = { LINE_OFF: "5", SAMP_OFF: "5" };
    await expect(calibrateAndFilter({ ...options, band: 1, georeferencing: { rpc } })).rejects.toThrow(
      /the RPCs lack LINE_SCALE, SAMP_SCALE, LAT_OFF, .*, SAMP_DEN_COEFF: GDAL would drop them/,
    );
    await expect(
      calibrateAndFilter({ ...options, band: 1, filter: { kind: "lee", window: 4, looks: 4 } }),
    ).rejects.toThrow(/the lee filter's window must be an odd number of pixels, 3 or more, not 4/);
    expect((await fs.readdir(dir)).filter((f) => f.startsWith("refused"))).toEqual([]);
  });
});
