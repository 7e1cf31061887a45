import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clip } from "../../../src/common/area-of-interest.js";
import { readLandsatMetadata } from "../../../src/imagery/landsat/landsat-metadata.js";
import { landsatScenePlan } from "../../../src/imagery/landsat/landsat-scene-plan.js";
import { readMtl } from "../../../src/imagery/landsat/mtl.js";
import { OutputTooLargeError } from "../../../src/pipeline/output-size.js";
import { preprocessScene } from "../../../src/pipeline/preprocess-scene.js";
import { ALBERS_CANADA, SCENES, SHARED_STORAGE } from "../../helpers/paths.js";

// MAX_OUTPUT_PIXELS on the real Level-2 scene of path 17 / row 36: a band that would be too large on the job
// grid fails the scene before anything is written; the same scene within the limit is made.

const dir = path.join(SHARED_STORAGE, "l8-l2a-products/tiles/017/036", SCENES.l2.id);
/** About 1.1 km x 1.1 km inside the scene. */
const SMALL_CLIP: Clip = [-83.01, 34.5, -83.0, 34.51];

let out: string;
beforeAll(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-size-"));
});
afterAll(() => fs.rm(out, { recursive: true, force: true }));

async function run(root: string, resolution: number, maxOutputPixels: number, clip?: Clip) {
  return preprocessScene(
    landsatScenePlan({
      sceneId: SCENES.l2.id,
      sceneDir: dir,
      metadata: readLandsatMetadata(await readMtl(dir, SCENES.l2.id)),
      bands: ["B4"],
      product: "sr",
      reflectanceType: "int16",
      resampling: "bilinear",
      resampClip: false,
      outputRoot: path.join(out, root),
      grid: { projection: ALBERS_CANADA, resolution },
      threads: 1,
      clip,
      maxOutputPixels,
    }),
  );
}

describe("MAX_OUTPUT_PIXELS", () => {
  it("fails a clipped scene whose bands would be too large at a fine grid, writing nothing", async () => {
    // 1 m on a ~1.1 km clip: about 1.2e6 pixels per band, over a limit of 1e6.
    const failure = await run("fine", 1, 1_000_000, SMALL_CLIP).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OutputTooLargeError);
    expect((failure as Error).message).toMatch(
      /^each band would be \d{4} x \d{4} pixels \(1\.\d\de\+6\) at 1 m, above MAX_OUTPUT_PIXELS \(1000000\)/,
    );
    await expect(fs.readdir(path.join(out, "fine"))).rejects.toThrow(/ENOENT/);
  });

  it("fails a whole scene too large for the limit, and makes it within the limit", async () => {
    await expect(run("whole", 300, 100_000)).rejects.toThrow(/above MAX_OUTPUT_PIXELS \(100000\)/);
    const result = await run("whole", 300, 1_000_000);
    expect(result.outputs.map((o) => path.basename(o.file))).toEqual([`${SCENES.l2.id}_B4_sr.tif`]);
  });
});
