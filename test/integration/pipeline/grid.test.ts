import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLandsatMetadata } from "../../../src/imagery/landsat/landsat-metadata.js";
import { readMtl } from "../../../src/imagery/landsat/mtl.js";
import { commonExtent } from "../../../src/pipeline/grid.js";
import { preprocessScene } from "../../../src/pipeline/preprocess-scene.js";
import { landsatScenePlan } from "../../../src/imagery/landsat/landsat-scene-plan.js";
import { ALBERS_CANADA, fixtureSceneDir, SCENES } from "../../helpers/paths.js";

// One grid per job: every band of every scene on multiples of the resolution; with resamp_clip, one extent.

const grid = { projection: ALBERS_CANADA, resolution: 100 };

let out: string;
beforeAll(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-grid-"));
});
afterAll(() => fs.rm(out, { recursive: true, force: true }));

function shape(file: string): { transform: number[]; size: { x: number; y: number } } {
  const ds = gdal.open(file);
  try {
    return { transform: ds.geoTransform!, size: ds.rasterSize };
  } finally {
    ds.close();
  }
}

async function run(
  scene: { id: string; path: string; row: string },
  resampClip: boolean,
  root: string,
  // B8 is the panchromatic band: its own pixel size and a slightly different extent.
  bands: readonly ("B4" | "B8")[] = ["B4", "B8"],
) {
  const dir = fixtureSceneDir(scene);
  const outputs = await preprocessScene(
    landsatScenePlan({
      sceneId: scene.id,
      sceneDir: dir,
      metadata: readLandsatMetadata(await readMtl(dir, scene.id)),
      bands,
      product: "dn",
      reflectanceType: "int16",
      resampling: "bilinear",
      resampClip,
      outputRoot: path.join(out, root),
      grid,
      threads: 2,
    }),
  );
  return outputs.outputs.map((o) => shape(path.join(out, root, o.file)));
}

describe("the job grid", () => {
  it("gives every band one extent and size with resamp_clip, and not without it", async () => {
    const clipped = await run(SCENES.l1, true, "clipped");
    expect(clipped[0]).toEqual(clipped[1]);
    const free = await run(SCENES.l1, false, "free");
    expect(free[0]!.size).not.toEqual(free[1]!.size);
    // the shared extent lies inside each band's own
    for (const own of free) {
      const [x0, , , y0] = own.transform;
      expect(clipped[0]!.transform[0]).toBeGreaterThanOrEqual(x0!);
      expect(clipped[0]!.transform[3]).toBeLessThanOrEqual(y0!);
    }
  });

  it("puts scenes from different UTM zones and hemispheres on one pixel grid", async () => {
    const north = await run(SCENES.l1, true, "north"); // UTM 17N
    const [southShape] = await run(SCENES.south, true, "south", ["B4"]); // UTM 20N, negative northings
    for (const { transform } of [...north, southShape!]) {
      const [x0, w, , y0, , h] = transform;
      expect([w, h]).toEqual([100, -100]);
      expect(Math.abs(x0! % 100) + Math.abs(y0! % 100)).toBe(0);
    }
    // so any two pixels of the two scenes are whole pixels apart
    expect(Math.abs((north[0]!.transform[0]! - southShape!.transform[0]!) % 100)).toBe(0);
    expect(Math.abs((north[0]!.transform[3]! - southShape!.transform[3]!) % 100)).toBe(0);
  });
});

describe("commonExtent", () => {
  it("intersects and shrinks to whole pixels", () => {
    expect(
      commonExtent(
        [
          [10, 20, 1010, 2020],
          [55, -5, 990, 1999],
        ],
        100,
      ),
    ).toEqual([100, 100, 900, 1900]);
  });

  it("is undefined when nothing is shared", () => {
    expect(
      commonExtent(
        [
          [0, 0, 100, 100],
          [150, 150, 300, 300],
        ],
        10,
      ),
    ).toBeUndefined();
    expect(commonExtent([], 10)).toBeUndefined();
  });
});
