import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { warpArguments, warpBand } from "../../../src/pipeline/warp-band.js";
import { ALBERS_CANADA, SCENES, SHARED_STORAGE } from "../../helpers/paths.js";

// Real bands from the fixtures through gdal-async, checked against the grid contract and against the gdalwarp
// command with the same arguments.

const tiles = path.join(SHARED_STORAGE, "l8-l2a-products", "tiles");
const BANDS = {
  "Collection 2 Level-2 SR_B4": path.join(tiles, "017/036", SCENES.l2.id, `${SCENES.l2.id}_SR_B4.TIF`),
  "Collection 1 Level-1 B4": path.join(tiles, "016/037", SCENES.l1.id, `${SCENES.l1.id}_B4.TIF`),
  "southern hemisphere SR_B2": path.join(tiles, "001/062", SCENES.south.id, `${SCENES.south.id}_SR_B2.TIF`),
};

let out: string;
beforeAll(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-warp-"));
});
afterAll(() => fs.rm(out, { recursive: true, force: true }));

function readAll(file: string): {
  transform: number[];
  size: { x: number; y: number };
  pixels: number[];
} {
  const ds = gdal.open(file);
  try {
    const band = ds.bands.get(1);
    const { x, y } = ds.rasterSize;
    return {
      transform: ds.geoTransform ?? [],
      size: { x, y },
      pixels: Array.from(band.pixels.read(0, 0, x, y), Number),
    };
  } finally {
    ds.close();
  }
}

describe.each(Object.entries(BANDS))("warpBand on a %s", (name, source) => {
  const grid = { projection: ALBERS_CANADA, resolution: 300 };
  const options = { grid, threads: 2, resampling: "bilinear" as const, srcNodata: 0, dstNodata: 0 };
  let target: string;

  beforeAll(async () => {
    target = path.join(out, `${name.replace(/\W+/g, "_")}.tif`);
    await warpBand({ ...options, source, target, description: `${name} DN`, overviewResampling: "AVERAGE" });
  });

  it("writes the configured CRS, the requested pixel size and an origin on multiples of it", () => {
    const ds = gdal.open(target);
    try {
      expect(ds.srs?.isSame(gdal.SpatialReference.fromProj4(ALBERS_CANADA))).toBe(true);
      const [originX, pixelW, rotX, originY, rotY, pixelH] = ds.geoTransform!;
      expect([pixelW, pixelH, rotX, rotY]).toEqual([300, -300, 0, 0]);
      expect(Math.abs(originX! % 300)).toBe(0);
      expect(Math.abs(originY! % 300)).toBe(0);
      expect(ds.bands.get(1).noDataValue).toBe(0);
      expect(ds.bands.get(1).dataType).toBe(gdal.open(source).bands.get(1).dataType);
    } finally {
      ds.close();
    }
  });

  it("has the same pixels, size and geotransform as the gdalwarp command with the same arguments", async () => {
    const cli = path.join(out, `${name.replace(/\W+/g, "_")}.cli.tif`);
    await execa("gdalwarp", ["-q", ...warpArguments(options), source, cli]);
    const theirs = readAll(cli);
    const ours = readAll(target);
    expect(ours.size).toEqual(theirs.size);
    expect(ours.transform).toEqual(theirs.transform);
    expect(ours.pixels.length).toBe(theirs.pixels.length);
    const differing = ours.pixels.filter((v, i) => v !== theirs.pixels[i]).length;
    expect(differing).toBe(0);
    // and it is an image, not an empty grid
    expect(ours.pixels.filter((v) => v !== 0).length).toBeGreaterThan(ours.size.x * ours.size.y * 0.1);
  });

  it("is a Cloud-Optimized GeoTIFF: COG layout, 512 px tiles, DEFLATE, internal overviews, described band", () => {
    const ds = gdal.open(target);
    try {
      const structure = ds.getMetadata("IMAGE_STRUCTURE") as Record<string, string>;
      expect(structure).toMatchObject({ LAYOUT: "COG", COMPRESSION: "DEFLATE" });
      const band = ds.bands.get(1);
      expect(band.blockSize).toEqual({ x: 512, y: 512 });
      expect(band.overviews.count()).toBeGreaterThan(0);
      expect(band.description).toBe(`${name} DN`);
    } finally {
      ds.close();
    }
  });

  it("leaves no partial file behind", async () => {
    expect((await fs.readdir(out)).filter((f) => f.includes("partial"))).toEqual([]);
  });
});

describe("warpBand failures", () => {
  it("fails on a file that is not a raster, and leaves nothing at the target", async () => {
    const bogus = path.join(out, "not-a-raster.TIF");
    await fs.writeFile(bogus, "this is not a GeoTIFF");
    const target = path.join(out, "never.tif");
    await expect(
      warpBand({
        source: bogus,
        target,
        grid: { projection: ALBERS_CANADA, resolution: 30 },
        threads: 1,
        resampling: "near",
        srcNodata: 0,
        dstNodata: 0,
        description: "never",
        overviewResampling: "NEAREST",
      }),
    ).rejects.toThrow();
    await expect(fs.access(target)).rejects.toThrow();
  });
});
