import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLandsatMetadata } from "../../../src/imagery/landsat/landsat-metadata.js";
import { readMtl } from "../../../src/imagery/landsat/mtl.js";
import { preprocessScene } from "../../../src/pipeline/preprocess-scene.js";
import { landsatScenePlan } from "../../../src/imagery/landsat/landsat-scene-plan.js";
import type { MaskFlag } from "../../../src/common/mask-flags.js";
import { ALBERS_CANADA, fixtureSceneDir, SCENES } from "../../helpers/paths.js";

// QA masking on the real Collection 1 scene (about a quarter cloud): every pixel the BQA marks as cloud or
// fill is nodata in the output, and clear pixels keep their values.

const dir = fixtureSceneDir(SCENES.l1);
let out: string;
beforeAll(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-mask-"));
});
afterAll(() => fs.rm(out, { recursive: true, force: true }));

function read(file: string): { transform: number[]; x: number; y: number; pixels: number[] } {
  const ds = gdal.open(file);
  try {
    const { x, y } = ds.rasterSize;
    return {
      transform: ds.geoTransform!,
      x,
      y,
      pixels: Array.from(ds.bands.get(1).pixels.read(0, 0, x, y), Number),
    };
  } finally {
    ds.close();
  }
}

async function maskScene(mask: readonly MaskFlag[], outputRoot: string, maskOutput = false) {
  const metadata = readLandsatMetadata(await readMtl(dir, SCENES.l1.id));
  const result = await preprocessScene(
    landsatScenePlan({
      sceneId: SCENES.l1.id,
      sceneDir: dir,
      metadata,
      bands: ["B4"],
      product: "toa",
      reflectanceType: "int16",
      resampling: "near",
      resampClip: true,
      outputRoot,
      grid: { projection: ALBERS_CANADA, resolution: 900 },
      threads: 2,
      mask,
      maskOutput,
    }),
  );
  return { metadata, result };
}

describe("QA masking", () => {
  it("makes cloud and fill pixels nodata and keeps the clear ones", async () => {
    const { metadata, result } = await maskScene(["cloud"], out, true);
    const band = read(path.join(out, result.outputs[0]!.file));
    const maskOut = read(path.join(out, result.mask!));
    // The BQA on exactly the same grid, nearest neighbour: the source pixel behind every output pixel.
    const [x0, w, , y0, , h] = band.transform as [number, number, number, number, number, number];
    const qaFile = path.join(out, "bqa.tif");
    await execa("gdalwarp", [
      ...["-q", "-t_srs", ALBERS_CANADA, "-r", "near", "-dstnodata", "1"],
      ...["-te", String(x0), String(y0 + h * band.y), String(x0 + w * band.x), String(y0)],
      ...["-ts", String(band.x), String(band.y)],
      path.join(dir, metadata.qaPixelFile!),
      qaFile,
    ]);
    const qa = read(qaFile);
    let dropped = 0;
    let kept = 0;
    // The mask output is on the same grid, holds only 0, 1 and 255 (nearest: no new values), and says the same.
    expect(maskOut.transform).toEqual(band.transform);
    expect(new Set(maskOut.pixels).size).toBeLessThanOrEqual(3);
    expect([...new Set(maskOut.pixels)].every((v) => v === 0 || v === 1 || v === 255)).toBe(true);
    for (let i = 0; i < qa.pixels.length; i++) {
      const q = qa.pixels[i]!;
      const drop = (q & 1) === 1 || ((q >> 4) & 1) === 1;
      if (maskOut.pixels[i] !== 255 && maskOut.pixels[i] !== (drop ? 1 : 0)) {
        throw new Error(`mask pixel ${i} (QA ${q}) is ${maskOut.pixels[i]}`);
      }
      if (drop) {
        dropped++;
        if (band.pixels[i] !== -32768)
          throw new Error(`pixel ${i} (QA ${q}) should be nodata, is ${band.pixels[i]}`);
      } else if (band.pixels[i] !== -32768) {
        kept++;
      }
    }
    expect(dropped).toBeGreaterThan(1000);
    expect(kept).toBeGreaterThan(1000);
  });

  it("fails a scene whose QA cannot express a flag", async () => {
    await expect(maskScene(["dilated_cloud"], path.join(out, "never"))).rejects.toThrow(
      /Collection 1 QA has no dilated_cloud flag/,
    );
  });
});
