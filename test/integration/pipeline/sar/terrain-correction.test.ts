import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ellipsoidalDem, type EllipsoidalDem } from "../../../../src/pipeline/sar/ellipsoidal-dem.js";
import { SRTM_FALLBACK_HEIGHT, type LonLatBox } from "../../../../src/pipeline/sar/srtm-dem.js";
import {
  footprintOf,
  FOOTPRINT_PADDING,
  transformerArguments,
} from "../../../../src/pipeline/sar/terrain-correction.js";
import { ALBERS_CANADA, SHARED_STORAGE } from "../../../helpers/paths.js";

// Terrain correction through the real GDAL: synthetic radar scenes whose rational functions are known (ground
// range moves with height), warped over the ellipsoidal DEM made from the real SRTM tiles of the fixtures onto
// an Albers grid, on two threads as the service warps. Every checked output pixel must hold the source pixel the
// model gives at the height the test reads from SRTM itself, plus the EGM96 geoid's height from PROJ.

const SRTM_DIR = path.join(SHARED_STORAGE, "required_datasets", "dem", "SRTM41");
const WIDTH = 700;
const HEIGHT = 400;

/**
 * The scene's model, in RPC00 normalised terms: line = -lat, sample = lon + K * height. With these scales a
 * metre of ellipsoidal height moves the sample by K * SAMP_SCALE / HEIGHT_SCALE = 0.14 pixel: 14 pixels for
 * 100 m, about 7 for the geoid's 48 m here.
 */
const K = 0.2;
const SCALES = { LINE: HEIGHT / 2, SAMP: WIDTH / 2, LAT: 0.2, LONG: 0.35, HEIGHT: 500 };
const HEIGHT_OFF = 300;
const PIXELS_PER_METRE = (K * SCALES.SAMP) / SCALES.HEIGHT;

interface RpcScene {
  readonly file: string;
  readonly latOff: number;
  readonly longOff: number;
}

let dir: string;
let sceneA: RpcScene; // lat 50.2 to 50.6, lon 8.3 to 9.0: inside N50E008 and N50E009
let sceneB: RpcScene; // lat 50.7 to 51.1: its north lies on N51E008, which the fixtures lack
let gcpScene: string;
let noSrtm: string; // an SRTM_DIR without tiles

beforeAll(async () => {
  // The warps below are 21 x 21 pixels, which GDAL would warp on one thread (a chunk is 65536 pixels).
  gdal.config.set("WARP_THREAD_CHUNK_SIZE", "100");
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-terrain-"));
  noSrtm = await fs.mkdtemp(path.join(dir, "srtm-empty-"));
  sceneA = writeRpcScene(path.join(dir, "scene-a.tif"), 50.4, 8.65);
  sceneB = writeRpcScene(path.join(dir, "scene-b.tif"), 50.9, 8.65);
  gcpScene = writeGcpScene(path.join(dir, "gcp-scene.tif"));
});
afterAll(async () => {
  gdal.config.set("WARP_THREAD_CHUNK_SIZE", null);
  await fs.rm(dir, { recursive: true, force: true });
});

/** Each pixel holds line * 1000 + column, so a warped value says which source pixel it came from. */
function patternedScene(file: string): gdal.Dataset {
  const ds = gdal.open(file, "w", "GTiff", WIDTH, HEIGHT, 1, gdal.GDT_Float32);
  const values = new Float32Array(WIDTH * HEIGHT).map((_, i) => Math.floor(i / WIDTH) * 1000 + (i % WIDTH));
  ds.bands.get(1).pixels.write(0, 0, WIDTH, HEIGHT, values);
  return ds;
}

/** A GeoTIFF with no geotransform, only the RPC domain. */
function writeRpcScene(file: string, latOff: number, longOff: number): RpcScene {
  const coefficients = (terms: Record<number, number>): string =>
    Array.from({ length: 20 }, (_, i) => terms[i] ?? 0).join(" ");
  const ds = patternedScene(file);
  ds.setMetadata(
    {
      LINE_OFF: String(SCALES.LINE - 0.5),
      SAMP_OFF: String(SCALES.SAMP - 0.5),
      LAT_OFF: String(latOff),
      LONG_OFF: String(longOff),
      HEIGHT_OFF: String(HEIGHT_OFF),
      LINE_SCALE: String(SCALES.LINE),
      SAMP_SCALE: String(SCALES.SAMP),
      LAT_SCALE: String(SCALES.LAT),
      LONG_SCALE: String(SCALES.LONG),
      HEIGHT_SCALE: String(SCALES.HEIGHT),
      // terms: 0 constant, 1 longitude, 2 latitude, 3 height
      LINE_NUM_COEFF: coefficients({ 2: -1 }),
      LINE_DEN_COEFF: coefficients({ 0: 1 }),
      SAMP_NUM_COEFF: coefficients({ 1: 1, 3: K }),
      SAMP_DEN_COEFF: coefficients({ 0: 1 }),
    },
    "RPC",
  );
  ds.close();
  return { file, latOff, longOff };
}

/** Where the model puts a ground point in the image, in GDAL's pixel/line (0 at the first pixel's edge). */
function modelPosition(scene: RpcScene, lon: number, lat: number, height: number): { x: number; y: number } {
  const lonN = (lon - scene.longOff) / SCALES.LONG;
  const latN = (lat - scene.latOff) / SCALES.LAT;
  const heightN = (height - HEIGHT_OFF) / SCALES.HEIGHT;
  return { x: (lonN + K * heightN) * SCALES.SAMP + SCALES.SAMP, y: -latN * SCALES.LINE + SCALES.LINE };
}

/** A scene with GCPs only, on a plain grid: 0.001° a pixel from 8.3° E, 50.6° N. */
function writeGcpScene(file: string): string {
  const ds = patternedScene(file);
  const gcps = [0, 175, 350, 525, 700].flatMap((pixel) =>
    [0, 100, 200, 300, 400].map((line) => ({
      dfGCPPixel: pixel,
      dfGCPLine: line,
      dfGCPX: 8.3 + pixel * 0.001,
      dfGCPY: 50.6 - line * 0.001,
      dfGCPZ: 0,
    })),
  );
  ds.setGCPs(gcps, gdal.SpatialReference.fromEPSG(4326).toWKT());
  ds.close();
  return file;
}

const LON_LAT = gdal.SpatialReference.fromProj4("+proj=longlat +datum=WGS84 +no_defs");
const ALBERS = gdal.SpatialReference.fromProj4(ALBERS_CANADA);
// EPSG axis order (latitude first) for these two: gdal-async offers no way to change it.
const GEOID_HEIGHTS = new gdal.CoordinateTransformation(
  gdal.SpatialReference.fromUserInput("EPSG:4326+5773"),
  gdal.SpatialReference.fromUserInput("EPSG:4979"),
);

/** The EGM96 geoid's height above the WGS 84 ellipsoid. */
function geoidHeight(lon: number, lat: number): number {
  const { z } = GEOID_HEIGHTS.transformPoint(lat, lon, 0);
  if (z === undefined) throw new Error(`no geoid height at ${lon} ${lat}`);
  return z;
}

type GeoTransform = [number, number, number, number, number, number];

/** A DEM's height at a point, interpolated as GDAL's RPC transformer does (bilinear). */
function demHeight(dem: gdal.Dataset, lon: number, lat: number): number {
  const [x0, dx, , y0, , dy] = dem.geoTransform as GeoTransform;
  const x = (lon - x0) / dx - 0.5;
  const y = (lat - y0) / dy - 0.5;
  const [col, row] = [Math.floor(x), Math.floor(y)];
  const [a, b, c, d] = [...dem.bands.get(1).pixels.read(col, row, 2, 2)] as [number, number, number, number];
  const [fx, fy] = [x - col, y - row];
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

interface WarpedPixel {
  readonly lon: number;
  readonly lat: number;
  readonly value: number;
}

/** The SRTM fixture tiles of scene A as they are, heights above the geoid: a virtual mosaic. */
function srtmMosaic(file: string): string {
  const tiles = ["N50E008", "N50E009"].map((name) => gdal.open(path.join(SRTM_DIR, `${name}.hgt`)));
  gdal.buildVRT(file, tiles, ["-srcnodata", "-32768", "-vrtnodata", "-32768"]).close();
  for (const tile of tiles) tile.close();
  return file;
}

/** The RPC transformer over an ellipsoidal DEM. */
const overDem = (dem: EllipsoidalDem): string[] =>
  transformerArguments({ method: "rpc", dem: dem.dem, outsideHeight: dem.outsideHeight });

/**
 * Warps 21 x 21 pixels of 30 m around a ground point onto the Albers grid, nearest neighbour and an exact
 * transformer (-et 0) so that each value is the source pixel under that output pixel's centre. On two threads,
 * as the service warps (-multi -wo NUM_THREADS, and WARP_THREAD_CHUNK_SIZE small enough above): GDAL 3.6
 * loses RPC_DEM_SRS's geoid shift there.
 */
async function warpAround(source: string, lon: number, lat: number, args: string[]): Promise<WarpedPixel[]> {
  const centre = new gdal.CoordinateTransformation(LON_LAT, ALBERS).transformPoint(lon, lat);
  const [x, y] = [Math.round(centre.x / 30) * 30, Math.round(centre.y / 30) * 30];
  const extent = [x - 315, y - 315, x + 315, y + 315].map(String);
  const options = ["-t_srs", ALBERS_CANADA, "-tr", "30", "30", "-te", ...extent, "-r", "near", "-et", "0"];
  const src = await gdal.openAsync(source);
  try {
    const out = await gdal.warpAsync(
      "window", // MEM: a name, no file
      null,
      [src],
      ["-of", "MEM", ...options, "-dstnodata", "-1", ...args, "-multi", "-wo", "NUM_THREADS=2"],
    );
    try {
      const values = out.bands.get(1).pixels.read(0, 0, 21, 21);
      const toLonLat = new gdal.CoordinateTransformation(ALBERS, LON_LAT);
      return Array.from(values, (value, i) => {
        const ground = toLonLat.transformPoint(
          x - 315 + 30 * ((i % 21) + 0.5),
          y + 315 - 30 * (Math.floor(i / 21) + 0.5),
        );
        return { lon: ground.x, lat: ground.y, value };
      });
    } finally {
      out.close();
    }
  } finally {
    src.close();
  }
}

/** The source pixel's value the model gives; undefined within 0.02 pixel of an edge, where rounding decides. */
function expectedValue(position: { x: number; y: number }): number | undefined {
  const nearEdge = (v: number): boolean => Math.abs(v - Math.round(v)) < 0.02;
  if (nearEdge(position.x) || nearEdge(position.y)) return undefined;
  return Math.floor(position.y) * 1000 + Math.floor(position.x);
}

/** Every pixel against its expected value; returns how many were checked (not near an edge). */
function expectModel(
  pixels: WarpedPixel[],
  expected: (p: WarpedPixel, i: number) => { x: number; y: number },
): number {
  const checked = pixels.flatMap((p, i) => {
    const value = expectedValue(expected(p, i));
    return value === undefined ? [] : [{ ...p, expected: value }];
  });
  expect(checked.filter((p) => p.value !== p.expected)).toEqual([]);
  return checked.length;
}

const column = (value: number): number => value % 1000;

describe("terrain correction with RPCs over SRTM", () => {
  // In the Taunus: SRTM gives 371 to 489 m over the 630 m window.
  const [lon, lat] = [8.45, 50.3];
  let dem: EllipsoidalDem;
  let withDem: WarpedPixel[];
  let withoutSrtm: WarpedPixel[];
  let withoutGeoid: WarpedPixel[];
  let heights: { srtm: number; geoid: number }[];

  beforeAll(async () => {
    const footprint = await footprintOf(sceneA.file);
    dem = await ellipsoidalDem(SRTM_DIR, footprint, path.join(dir, "a.tif"));
    withDem = await warpAround(sceneA.file, lon, lat, overDem(dem));
    const flat = await ellipsoidalDem(noSrtm, footprint, path.join(dir, "a-flat.tif"));
    withoutSrtm = await warpAround(sceneA.file, lon, lat, overDem(flat));
    // SRTM itself as the DEM: its heights taken as ellipsoidal, the geoid's height left out.
    const srtm = srtmMosaic(path.join(dir, "a-srtm.vrt"));
    const rawArgs = transformerArguments({ method: "rpc", dem: srtm, outsideHeight: SRTM_FALLBACK_HEIGHT });
    withoutGeoid = await warpAround(sceneA.file, lon, lat, rawArgs);
    const mosaic = gdal.open(srtm);
    try {
      heights = withDem.map((p) => ({
        srtm: demHeight(mosaic, p.lon, p.lat),
        geoid: geoidHeight(p.lon, p.lat),
      }));
    } finally {
      mosaic.close();
    }
  });

  it("makes the DEM from the two fixture tiles", () => {
    expect(dem).toMatchObject({ dem: path.join(dir, "a.tif"), tiles: ["N50E008", "N50E009"], missing: [] });
    // The geoid's height at the footprint's centre, for points off the DEM.
    expect(dem.outsideHeight).toBeCloseTo(SRTM_FALLBACK_HEIGHT + geoidHeight(8.65, 50.4), 3);
  });

  it("puts every ground point on the source pixel the model gives at the SRTM height plus the geoid", () => {
    expect(Math.min(...heights.map((h) => h.srtm))).toBeLessThan(
      Math.max(...heights.map((h) => h.srtm)) - 50,
    );
    const checked = expectModel(withDem, (p, i) => {
      const h = heights[i]!;
      return modelPosition(sceneA, p.lon, p.lat, h.srtm + h.geoid);
    });
    expect(checked).toBeGreaterThan(400);
  });

  it("without SRTM, puts every point at the fallback height above the geoid", () => {
    const checked = expectModel(withoutSrtm, (p) =>
      modelPosition(sceneA, p.lon, p.lat, SRTM_FALLBACK_HEIGHT + geoidHeight(p.lon, p.lat)),
    );
    expect(checked).toBeGreaterThan(400);
  });

  it("moves each point in range by the SRTM height there: 0.14 pixel a metre", () => {
    const shifts = withDem.map((p, i) => ({
      measured: column(p.value) - column(withoutSrtm[i]!.value),
      model: PIXELS_PER_METRE * (heights[i]!.srtm - SRTM_FALLBACK_HEIGHT),
    }));
    for (const shift of shifts) expect(Math.abs(shift.measured - shift.model)).toBeLessThanOrEqual(1);
    expect(Math.max(...shifts.map((s) => s.measured))).toBeGreaterThan(
      Math.min(...shifts.map((s) => s.measured)) + 7,
    );
  });

  it("adds the geoid's height: over SRTM as it is every point lands ~48 m (7 pixels) lower", () => {
    const checked = expectModel(withoutGeoid, (p, i) =>
      modelPosition(sceneA, p.lon, p.lat, heights[i]!.srtm),
    );
    expect(checked).toBeGreaterThan(400);
    const geoid = heights.map((h) => h.geoid);
    expect(Math.min(...geoid)).toBeGreaterThan(47);
    expect(Math.max(...geoid)).toBeLessThan(50);
    const shifts = withDem.map((p, i) => column(p.value) - column(withoutGeoid[i]!.value));
    const mean = shifts.reduce((sum, s) => sum + s, 0) / shifts.length;
    for (const shift of shifts) expect([6, 7]).toContain(shift);
    expect(mean).toBeCloseTo((PIXELS_PER_METRE * geoid.reduce((sum, g) => sum + g, 0)) / geoid.length, 0);
  });
});

describe("terrain correction where SRTM has no tile", () => {
  let footprint: LonLatBox;
  let dem: EllipsoidalDem;

  beforeAll(async () => {
    footprint = await footprintOf(sceneB.file);
    dem = await ellipsoidalDem(SRTM_DIR, footprint, path.join(dir, "b.tif"));
  });

  it("reports the tiles it lacks and uses the others", () => {
    expect(footprint.north).toBeCloseTo(51.1 + FOOTPRINT_PADDING, 3);
    expect(dem).toMatchObject({
      dem: path.join(dir, "b.tif"),
      tiles: ["N50E008", "N50E009"],
      missing: ["N51E008", "N51E009"],
    });
  });

  it("takes the fallback height above the geoid without a tile, and SRTM's height with one", async () => {
    const off = await warpAround(sceneB.file, 8.6, 51.05, overDem(dem));
    expect(Math.min(...off.map((p) => p.lat))).toBeGreaterThan(51.001);
    const checked = expectModel(off, (p) =>
      modelPosition(sceneB, p.lon, p.lat, SRTM_FALLBACK_HEIGHT + geoidHeight(p.lon, p.lat)),
    );
    expect(checked).toBeGreaterThan(400);

    const on = await warpAround(sceneB.file, 8.6, 50.85, overDem(dem));
    const srtm = gdal.open(srtmMosaic(path.join(dir, "b-srtm.vrt")));
    try {
      const height = (p: WarpedPixel): number => demHeight(srtm, p.lon, p.lat) + geoidHeight(p.lon, p.lat);
      expect(expectModel(on, (p) => modelPosition(sceneB, p.lon, p.lat, height(p)))).toBeGreaterThan(400);
    } finally {
      srtm.close();
    }
  });

  it("takes a fallback height other than 0 as metres above the geoid too", async () => {
    const higher = await ellipsoidalDem(SRTM_DIR, footprint, path.join(dir, "b-200.tif"), 200);
    const off = await warpAround(sceneB.file, 8.6, 51.05, overDem(higher));
    const checked = expectModel(off, (p) =>
      modelPosition(sceneB, p.lon, p.lat, 200 + geoidHeight(p.lon, p.lat)),
    );
    expect(checked).toBeGreaterThan(400);
  });
});

describe("terrain correction off the DEM", () => {
  it("takes the outside height there, above the ellipsoid", async () => {
    // A DEM over the scene's west only: the window at 8.8° E is off it.
    const west = await ellipsoidalDem(
      SRTM_DIR,
      { west: 8.25, south: 50.15, east: 8.6, north: 50.65 },
      path.join(dir, "a-west.tif"),
    );
    const off = await warpAround(sceneA.file, 8.8, 50.4, overDem(west));
    expect(Math.min(...off.map((p) => p.lon))).toBeGreaterThan(8.7);
    const checked = expectModel(off, (p) => modelPosition(sceneA, p.lon, p.lat, west.outsideHeight));
    expect(checked).toBeGreaterThan(400);
  });
});

describe("footprintOf", () => {
  const padded = { west: 8.3 - FOOTPRINT_PADDING, south: 50.2 - FOOTPRINT_PADDING };
  const far = { east: 9.0 + FOOTPRINT_PADDING, north: 50.6 + FOOTPRINT_PADDING };

  it("places a scene with RPCs at their mean height, padded", async () => {
    const box = await footprintOf(sceneA.file);
    for (const [key, value] of Object.entries({ ...padded, ...far }))
      expect(box[key as keyof LonLatBox]).toBeCloseTo(value, 3);
  });

  it("places a scene with GCPs only, padded", async () => {
    const box = await footprintOf(gcpScene);
    for (const [key, value] of Object.entries({ ...padded, ...far }))
      expect(box[key as keyof LonLatBox]).toBeCloseTo(value, 3);
  });

  it("refuses a scene with neither, naming it", async () => {
    const plain = path.join(dir, "plain.tif");
    gdal.open(plain, "w", "GTiff", 10, 10, 1, gdal.GDT_Byte).close();
    await expect(footprintOf(plain)).rejects.toThrow(`cannot find the footprint of ${plain}: it has neither`);
    await expect(footprintOf(path.join(dir, "absent.tif"))).rejects.toThrow(
      `cannot open ${path.join(dir, "absent.tif")}`,
    );
  });
});

describe("geolocation by GCPs", () => {
  it("warps with a thin plate spline through the GCPs", async () => {
    expect(transformerArguments({ method: "gcp" })).toEqual(["-tps"]);
    const pixels = await warpAround(gcpScene, 8.6, 50.4, transformerArguments({ method: "gcp" }));
    const checked = expectModel(pixels, (p) => ({ x: (p.lon - 8.3) / 0.001, y: (50.6 - p.lat) / 0.001 }));
    expect(checked).toBeGreaterThan(400);
  });
});
