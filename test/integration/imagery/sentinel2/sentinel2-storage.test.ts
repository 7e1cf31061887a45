import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSentinel2Metadata } from "../../../../src/imagery/sentinel2/read-sentinel2-metadata.js";
import {
  finestBandFile,
  presentFiles,
  sclFile,
} from "../../../../src/imagery/sentinel2/sentinel2-band-files.js";
import { sentinel2ProductSource } from "../../../../src/imagery/sentinel2/sentinel2-product-source.js";
import { locateSentinel2Scene } from "../../../../src/imagery/sentinel2/sentinel2-storage.js";
import { SHARED_STORAGE } from "../../../helpers/paths.js";
import { L2A_ID, L2A_SAFE, sceneOf, tempDir, zipFolder } from "./sentinel2-fixtures.js";

// Finding a product on the volume as a .SAFE folder or as a zip, and reading a zipped one in place: its metadata
// and its band files through GDAL's /vsizip/, without unpacking.

const L2A = sceneOf(L2A_ID);
const TILE = path.join("s2-l2a-products", "tiles", "29", "U", "NU");

describe("locateSentinel2Scene", () => {
  let storage: string;
  let zip: string;
  beforeAll(async () => {
    storage = await tempDir();
    await fs.mkdir(path.join(storage, TILE), { recursive: true });
    zip = path.join(storage, TILE, `${L2A_ID}.zip`);
    await zipFolder(L2A_SAFE, zip);
  });
  afterAll(async () => {
    await fs.rm(storage, { recursive: true, force: true });
  });

  it("finds the fixture's .SAFE folder under tiles/<zone>/<band>/<square>", async () => {
    expect(await locateSentinel2Scene(SHARED_STORAGE, L2A)).toEqual({ kind: "folder", dir: L2A_SAFE });
  });

  it("says where it looked for a product that is not there", async () => {
    const other = sceneOf("S2B_MSIL1C_20230823T095559_N0509_R122_T34UCF_20230823T120234");
    expect(await locateSentinel2Scene(SHARED_STORAGE, other)).toEqual({
      kind: "missing",
      where: `s2-l1c-products/tiles/34/U/CF/${other.id}.SAFE (or .SAFE.zip, .zip)`,
    });
  });

  it("finds <product>.zip and reads its metadata and band files in place, as from the folder", async () => {
    const location = await locateSentinel2Scene(storage, L2A);
    expect(location).toEqual({ kind: "zip", zip, root: `/vsizip/{${zip}}/${L2A_ID}.SAFE` });
    if (location.kind !== "zip") throw new Error("unreachable");
    const source = sentinel2ProductSource(location);
    const metadata = await readSentinel2Metadata(source, L2A);
    expect(metadata).toEqual(
      await readSentinel2Metadata(sentinel2ProductSource({ kind: "folder", dir: L2A_SAFE }), L2A),
    );
    const exists = await presentFiles(source, metadata);
    const b02 = finestBandFile(metadata, "B02", exists);
    expect(b02.resolution).toBe(60);
    expect(sclFile(metadata, exists).resolution).toBe(20);
    // GDAL reads the band straight from the zip, pixel for pixel as from the folder.
    const fromZip = await pixels(source.path(b02.file));
    const fromFolder = await pixels(path.join(L2A_SAFE, b02.file));
    expect(fromZip.length).toBe(1830 * 1830);
    expect(fromZip).toBeInstanceOf(Uint16Array);
    expect(Buffer.compare(Buffer.from(fromZip.buffer), Buffer.from(fromFolder.buffer))).toBe(0);
  });

  it("finds <product>.SAFE.zip, and prefers a folder to a zip", async () => {
    const renamed = path.join(storage, TILE, `${L2A_ID}.SAFE.zip`);
    await fs.rename(zip, renamed);
    try {
      expect(await locateSentinel2Scene(storage, L2A)).toMatchObject({ kind: "zip", zip: renamed });
      const dir = path.join(storage, TILE, `${L2A_ID}.SAFE`);
      await fs.mkdir(dir);
      expect(await locateSentinel2Scene(storage, L2A)).toEqual({ kind: "folder", dir });
      await fs.rmdir(dir);
    } finally {
      await fs.rename(renamed, zip);
    }
  });

  it("names zone folders without a leading zero (tiles/7/V/EG), and finds tiles/07/V/EG too", async () => {
    const scene = sceneOf("S2B_MSIL1C_20230701T212529_N0509_R043_T07VEG_20230701T231210");
    const twoDigits = path.join(storage, "s2-l1c-products", "tiles", "07", "V", "EG", `${scene.id}.SAFE`);
    const canonical = path.join(storage, "s2-l1c-products", "tiles", "7", "V", "EG", `${scene.id}.SAFE`);
    expect(await locateSentinel2Scene(storage, scene)).toMatchObject({
      kind: "missing",
      where: `s2-l1c-products/tiles/7/V/EG/${scene.id}.SAFE (or .SAFE.zip, .zip)`,
    });
    await fs.mkdir(twoDigits, { recursive: true });
    expect(await locateSentinel2Scene(storage, scene)).toEqual({ kind: "folder", dir: twoDigits });
    await fs.mkdir(canonical, { recursive: true });
    expect(await locateSentinel2Scene(storage, scene)).toEqual({ kind: "folder", dir: canonical });
  });
});

async function pixels(file: string): Promise<gdal.TypedArray> {
  const dataset = await gdal.openAsync(file);
  try {
    const { x, y } = dataset.rasterSize;
    return await dataset.bands.get(1).pixels.readAsync(0, 0, x, y);
  } finally {
    dataset.close();
  }
}
