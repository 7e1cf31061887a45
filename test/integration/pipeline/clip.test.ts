import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLandsatMetadata } from "../../../src/imagery/landsat/landsat-metadata.js";
import { readMtl } from "../../../src/imagery/landsat/mtl.js";
import { ClipSchema, type Clip } from "../../../src/common/area-of-interest.js";
import { OutsideAreaOfInterestError, preprocessScene } from "../../../src/pipeline/preprocess-scene.js";
import { landsatScenePlan } from "../../../src/imagery/landsat/landsat-scene-plan.js";
import { ALBERS_CANADA, SCENES, SHARED_STORAGE } from "../../helpers/paths.js";

// Cutting scenes to an area of interest on the real Level-2 scene of path 17 / row 36 (about 84.1-81.6 W,
// 33.6-35.6 N): outputs stay on the grid, pixels outside the AOI are nodata, a scene outside it is reported.

const dir = path.join(SHARED_STORAGE, "l8-l2a-products/tiles/017/036", SCENES.l2.id);
const grid = { projection: ALBERS_CANADA, resolution: 500 };
// A triangle well inside the scene.
const TRIANGLE: Clip = {
  type: "Polygon",
  coordinates: [
    [
      [-83.6, 34.2],
      [-82.4, 34.2],
      [-83.0, 35.1],
      [-83.6, 34.2],
    ],
  ],
};

let out: string;
beforeAll(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-clip-"));
});
afterAll(() => fs.rm(out, { recursive: true, force: true }));

async function clipTo(clip: Clip, root: string) {
  return preprocessScene(
    landsatScenePlan({
      sceneId: SCENES.l2.id,
      sceneDir: dir,
      metadata: readLandsatMetadata(await readMtl(dir, SCENES.l2.id)),
      bands: ["B4"],
      product: "sr",
      reflectanceType: "int16",
      resampling: "bilinear",
      resampClip: true,
      outputRoot: path.join(out, root),
      grid,
      threads: 2,
      clip,
    }),
  );
}

function toGrid(lon: number, lat: number): { x: number; y: number } {
  const t = new gdal.CoordinateTransformation(
    gdal.SpatialReference.fromUserInput("OGC:CRS84"),
    gdal.SpatialReference.fromProj4(ALBERS_CANADA),
  );
  const p = t.transformPoint(lon, lat);
  return { x: p.x, y: p.y };
}

describe("clipping to an area of interest", () => {
  it("cuts to the AOI's bounds on the grid and sets pixels outside the polygon to nodata", async () => {
    const result = await clipTo(TRIANGLE, "triangle");
    const ds = gdal.open(path.join(out, "triangle", result.outputs[0]!.file));
    try {
      const [x0, w, , y0, , h] = ds.geoTransform!;
      expect(Math.abs(x0! % 500) + Math.abs(y0! % 500)).toBe(0);
      const { x: width, y: height } = ds.rasterSize;
      const band = ds.bands.get(1);
      const valueAt = (lon: number, lat: number): number => {
        const p = toGrid(lon, lat);
        const col = Math.floor((p.x - x0!) / w!);
        const row = Math.floor((p.y - y0!) / h!);
        expect(col >= 0 && col < width && row >= 0 && row < height).toBe(true);
        return band.pixels.get(col, row);
      };
      // inside the triangle: data; in the bounding box but outside the triangle: nodata
      expect(valueAt(-83.0, 34.5)).not.toBe(-32768);
      expect(valueAt(-83.5, 34.25)).not.toBe(-32768);
      expect(valueAt(-83.4, 34.9)).toBe(-32768);
      expect(valueAt(-82.6, 34.9)).toBe(-32768);
      // the output is no larger than the AOI's bounding box, grown to whole pixels
      const corners = [toGrid(-83.6, 34.2), toGrid(-82.4, 34.2), toGrid(-83.0, 35.1)];
      const xmin = Math.min(...corners.map((c) => c.x));
      const xmax = Math.max(...corners.map((c) => c.x));
      expect(x0!).toBeGreaterThan(xmin - 1000);
      expect(x0! + width * w!).toBeLessThan(xmax + 1000);
      expect(height).toBeGreaterThan(100);
    } finally {
      ds.close();
    }
  });

  it("takes a bbox as well", async () => {
    const result = await clipTo([-83.5, 34.0, -82.5, 35.0], "bbox");
    const ds = gdal.open(path.join(out, "bbox", result.outputs[0]!.file));
    try {
      const { x, y } = ds.rasterSize;
      expect(x).toBeGreaterThan(150);
      expect(y).toBeGreaterThan(200);
      expect(ds.bands.get(1).pixels.get(Math.floor(x / 2), Math.floor(y / 2))).not.toBe(-32768);
    } finally {
      ds.close();
    }
  });

  it("reports a scene the AOI misses, and writes nothing for it", async () => {
    await expect(clipTo([-70, 45, -69, 46], "elsewhere")).rejects.toBeInstanceOf(OutsideAreaOfInterestError);
    await expect(fs.access(path.join(out, "elsewhere"))).rejects.toThrow();
  });
});

describe("ClipSchema", () => {
  it.each([
    [
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
          ],
        ],
      },
      /at least 4 positions/,
    ],
    [
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
      /end where it starts/,
    ],
    [
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 95],
            [0, 0],
          ],
        ],
      },
      /./,
    ],
    [{ type: "Point", coordinates: [0, 0] }, /./],
    [[10, 10, 5, 20], /west < east/],
    [[10, 10, 20], /./],
  ])("refuses %j", (clip, message) => {
    const result = ClipSchema.safeParse(clip);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });
});
