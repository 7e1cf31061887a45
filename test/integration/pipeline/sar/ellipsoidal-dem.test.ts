import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ellipsoidalDem } from "../../../../src/pipeline/sar/ellipsoidal-dem.js";
import { geoidHeights, projGeoidHeights } from "../../../../src/pipeline/sar/geoid-heights.js";
import { SRTM_FALLBACK_HEIGHT, SRTM_NODATA, type LonLatBox } from "../../../../src/pipeline/sar/srtm-dem.js";
import { SHARED_STORAGE } from "../../../helpers/paths.js";

// The DEM of ellipsoidal heights from the real SRTM fixture tiles (N50E008, N50E009) and PROJ's EGM96 grid:
// SRTM's own samples plus N, the fallback height plus N where SRTM has none, zipped and broken tiles.
// How the RPC transformer uses it is tested in terrain-correction.test.ts.

const SRTM_DIR = path.join(SHARED_STORAGE, "required_datasets", "dem", "SRTM41");
const STEP = 1 / 1200;
/** Two tiles' worth across, a third of a degree tall: more rows than one block. */
const BOX: LonLatBox = { west: 8.3, south: 50.2, east: 9.5, north: 50.6 };
const geoid = projGeoidHeights();

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-dem-"));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

interface Raster {
  readonly transform: [number, number, number, number, number, number];
  readonly size: { x: number; y: number };
  readonly values: ArrayLike<number>;
  readonly type: string | null;
  readonly nodata: number | null;
}

function readRaster(file: string): Raster {
  const ds = gdal.open(file);
  try {
    const band = ds.bands.get(1);
    const size = ds.rasterSize;
    return {
      transform: ds.geoTransform as Raster["transform"],
      size,
      values: band.pixels.read(0, 0, size.x, size.y, new Float64Array(size.x * size.y)),
      type: band.dataType,
      nodata: band.noDataValue,
    };
  } finally {
    ds.close();
  }
}

/** The sample of a raster whose centre is at a point, and that centre. */
function sampleAt(raster: Raster, lon: number, lat: number): { value: number; lon: number; lat: number } {
  const [x0, dx, , y0, , dy] = raster.transform;
  const [column, row] = [Math.floor((lon - x0) / dx), Math.floor((lat - y0) / dy)];
  return {
    value: raster.values[row * raster.size.x + column]!,
    lon: x0 + (column + 0.5) * dx,
    lat: y0 + (row + 0.5) * dy,
  };
}

/** Points spread over the box, on no particular grid. */
function pointsIn(box: LonLatBox, count: number): { lon: number; lat: number }[] {
  return Array.from({ length: count }, (_, i) => ({
    lon: box.west + (box.east - box.west) * ((i * 0.618034) % 1),
    lat: box.south + (box.north - box.south) * ((i * 0.414214 + 0.05) % 1),
  }));
}

/** A copy of a fixture tile in `to`, with SRTM's nodata over a window of samples. */
function tileWithHole(name: string, to: string, hole: { x: number; y: number; size: number }): void {
  const tile = gdal.open(path.join(SRTM_DIR, `${name}.hgt`));
  const copy = gdal.open("hole", "w", "MEM", tile.rasterSize.x, tile.rasterSize.y, 1, gdal.GDT_Int16);
  try {
    copy.geoTransform = tile.geoTransform;
    copy.srs = tile.srs;
    const values = tile.bands.get(1).pixels.read(0, 0, tile.rasterSize.x, tile.rasterSize.y);
    copy.bands.get(1).pixels.write(0, 0, tile.rasterSize.x, tile.rasterSize.y, values);
    const nodata = new Int16Array(hole.size * hole.size).fill(SRTM_NODATA);
    copy.bands.get(1).pixels.write(hole.x, hole.y, hole.size, hole.size, nodata);
    gdal.drivers
      .get("SRTMHGT")
      .createCopy(path.join(to, `${name}.hgt`), copy)
      .close();
  } finally {
    copy.close();
    tile.close();
  }
}

describe("ellipsoidalDem", () => {
  let srtm: Raster;
  let dem: Raster;
  beforeAll(async () => {
    const made = await ellipsoidalDem(SRTM_DIR, BOX, path.join(dir, "dem.tif"));
    expect(made).toMatchObject({
      dem: path.join(dir, "dem.tif"),
      tiles: ["N50E008", "N50E009"],
      missing: [],
    });
    dem = readRaster(made.dem);
    const tiles = ["N50E008", "N50E009"].map((name) => gdal.open(path.join(SRTM_DIR, `${name}.hgt`)));
    gdal.buildVRT(path.join(dir, "srtm.vrt"), tiles).close();
    for (const tile of tiles) tile.close();
    srtm = readRaster(path.join(dir, "srtm.vrt"));
  });

  it("writes Float32 heights without nodata on SRTM's own samples, one beyond the box on each side", () => {
    expect(dem.type).toBe(gdal.GDT_Float32);
    expect(dem.nodata).toBeNull();
    const [x0, dx, , y0, , dy] = dem.transform;
    expect([dx, dy]).toEqual([STEP, -STEP]);
    // Sample centres on whole multiples of 3 arc-seconds, as in the tiles.
    for (const centre of [x0 + dx / 2, y0 + dy / 2])
      expect(centre / STEP).toBeCloseTo(Math.round(centre / STEP), 6);
    const east = x0 + dx * dem.size.x;
    const south = y0 + dy * dem.size.y;
    expect(x0 + 1.5 * STEP).toBeLessThanOrEqual(BOX.west + 1e-9);
    expect(y0 - 1.5 * STEP).toBeGreaterThanOrEqual(BOX.north - 1e-9);
    expect(east - 1.5 * STEP).toBeGreaterThanOrEqual(BOX.east - 1e-9);
    expect(south + 1.5 * STEP).toBeLessThanOrEqual(BOX.south + 1e-9);
    expect(dem.size.x).toBeLessThanOrEqual(Math.round((BOX.east - BOX.west) / STEP) + 4);
    expect(dem.size.y).toBeLessThanOrEqual(Math.round((BOX.north - BOX.south) / STEP) + 4);
  });

  it("holds each SRTM sample plus PROJ's EGM96 geoid height there", () => {
    for (const point of pointsIn(BOX, 2000)) {
      const sample = sampleAt(dem, point.lon, point.lat);
      const height = sampleAt(srtm, point.lon, point.lat);
      expect(height.lon).toBeCloseTo(sample.lon, 9);
      expect(height.lat).toBeCloseTo(sample.lat, 9);
      expect(sample.value).toBeCloseTo(height.value + geoid(sample.lon, sample.lat), 3);
    }
  });

  it("takes the fallback height plus N where SRTM_DIR holds none of the tiles", async () => {
    const empty = await fs.mkdtemp(path.join(dir, "srtm-empty-"));
    const made = await ellipsoidalDem(empty, BOX, path.join(dir, "none.tif"), 120);
    expect(made).toMatchObject({ tiles: [], missing: ["N50E008", "N50E009"] });
    expect(made.outsideHeight).toBeCloseTo(120 + geoid(8.9, 50.4), 3);
    const none = readRaster(made.dem);
    expect(none.transform).toEqual(dem.transform);
    for (const point of pointsIn(BOX, 500)) {
      const sample = sampleAt(none, point.lon, point.lat);
      expect(sample.value).toBeCloseTo(120 + geoid(sample.lon, sample.lat), 3);
    }
  });

  it("takes the fallback height plus N in a tile it lacks and in a hole of a tile it has", async () => {
    const holed = await fs.mkdtemp(path.join(dir, "srtm-hole-"));
    // N50E008 only, with a hole of 5 x 5 samples at 8.5° E, 50.5° N.
    tileWithHole("N50E008", holed, { x: 600, y: 600, size: 5 });
    const made = await ellipsoidalDem(holed, BOX, path.join(dir, "holed.tif"));
    expect(made).toMatchObject({ tiles: ["N50E008"], missing: ["N50E009"] });
    const holedDem = readRaster(made.dem);
    const fallback = (lon: number, lat: number): number => SRTM_FALLBACK_HEIGHT + geoid(lon, lat);
    const inHole = sampleAt(holedDem, 8.5 + 2 * STEP, 50.5 - 2 * STEP);
    expect(inHole.value).toBeCloseTo(fallback(inHole.lon, inHole.lat), 3);
    const besideHole = sampleAt(holedDem, 8.5 + 6 * STEP, 50.5 - 2 * STEP);
    expect(besideHole.value).toBe(sampleAt(dem, besideHole.lon, besideHole.lat).value);
    const offTile = sampleAt(holedDem, 9.3, 50.3);
    expect(offTile.value).toBeCloseTo(fallback(offTile.lon, offTile.lat), 3);
    // 9° E itself is N50E008's last column.
    const edge = sampleAt(holedDem, 9, 50.3);
    expect(edge.value).toBe(sampleAt(dem, edge.lon, edge.lat).value);
  });

  it("reads a zipped tile in place", async () => {
    const zipped = await fs.mkdtemp(path.join(dir, "srtm-zip-"));
    const tile = gdal.open(path.join(SRTM_DIR, "N50E009.hgt"));
    const zip = path.join(zipped, "N50E009.hgt.zip");
    gdal.drivers.get("SRTMHGT").createCopy(`/vsizip/${zip}/N50E009.hgt`, tile).close();
    tile.close();
    const made = await ellipsoidalDem(zipped, BOX, path.join(dir, "zip.tif"));
    expect(made).toMatchObject({ tiles: ["N50E009"], missing: ["N50E008"] });
    const fromZip = readRaster(made.dem);
    for (const point of pointsIn({ ...BOX, west: 9.01 }, 200)) {
      expect(sampleAt(fromZip, point.lon, point.lat).value).toBe(sampleAt(dem, point.lon, point.lat).value);
    }
  });

  it("throws, naming the file, on a tile GDAL cannot read, and leaves no DEM", async () => {
    const broken = await fs.mkdtemp(path.join(dir, "srtm-broken-"));
    await fs.writeFile(path.join(broken, "N50E008.hgt"), "not a tile");
    const target = path.join(dir, "broken.tif");
    await expect(ellipsoidalDem(broken, BOX, target)).rejects.toThrow(
      `cannot read the SRTM tile ${path.join(broken, "N50E008.hgt")}`,
    );
    await expect(fs.access(target)).rejects.toThrow(/ENOENT/);
  });

  it("throws, naming the directory, when SRTM_DIR cannot be listed", async () => {
    const absent = path.join(dir, "no-such-srtm");
    await expect(ellipsoidalDem(absent, BOX, path.join(dir, "absent.tif"))).rejects.toThrow(
      `cannot list the SRTM tiles in ${absent}: ENOENT`,
    );
  });

  it("throws, naming the file, when the DEM cannot be written", async () => {
    const target = path.join(dir, "no-such-folder", "dem.tif");
    await expect(ellipsoidalDem(SRTM_DIR, BOX, target)).rejects.toThrow(`cannot write the DEM ${target}`);
  });
});

describe("geoid heights from PROJ", () => {
  it("gives EGM96's N, latitude and longitude the right way round", () => {
    // EGM96 at 0° N 0° E: 17.16 m; over Hesse about 48 m; south of India, the geoid's low, about -100 m.
    expect(geoid(0, 0)).toBeCloseTo(17.16, 1);
    expect(geoid(8.65, 50.4)).toBeGreaterThan(47);
    expect(geoid(78, 5)).toBeLessThan(-90);
  });

  it("interpolated from the lattice, matches PROJ at any point (to a micrometre: the same bilinear surface)", () => {
    for (const box of [BOX, { west: -75.3, south: -13.2, east: -70.1, north: -8.05 }]) {
      const lattice = geoidHeights(box);
      for (const point of pointsIn(box, 3000))
        expect(lattice.at(point.lon, point.lat)).toBeCloseTo(geoid(point.lon, point.lat), 6);
    }
  });
});
