import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRadarsat2Product } from "../../../../src/imagery/radarsat2/radarsat2-product.js";
import {
  parseRadarsat2SceneId,
  type Radarsat2SceneId,
} from "../../../../src/imagery/radarsat2/radarsat2-scene-id.js";
import {
  locateRadarsat2,
  radarsat2DateDir,
  radarsat2VsizipRoot,
} from "../../../../src/imagery/radarsat2/radarsat2-storage.js";
import {
  writeSyntheticRadarsat2,
  zipRadarsat2Product,
  type SyntheticRadarsat2,
} from "../../../helpers/synthetic-radarsat2.js";

// Finding a product on the volume under rs2-products/<YYYY>/<MM>/<DD>/ as its folder or its zip, and reading a
// zipped one in place.

const DATE_DIR = path.join("rs2-products", "2015", "08", "22");

let storage: string;
let product: SyntheticRadarsat2;
let scene: Radarsat2SceneId;
beforeAll(async () => {
  storage = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-rs2-storage-"));
  product = await writeSyntheticRadarsat2(path.join(storage, "made"));
  scene = parseRadarsat2SceneId(product.id)!;
});
afterAll(async () => {
  await fs.rm(storage, { recursive: true, force: true });
});

describe("locateRadarsat2", () => {
  it("files a product under the date of its id", () => {
    expect(radarsat2DateDir(scene)).toBe(DATE_DIR);
    const other = parseRadarsat2SceneId("RS2_OK1_PK2_DK3_S3_20080101_000000_HH_SGX")!;
    expect(radarsat2DateDir(other)).toBe(path.join("rs2-products", "2008", "01", "01"));
  });

  it("says where it looked, relative to the storage, for a product that is not there", async () => {
    expect(await locateRadarsat2(storage, scene)).toEqual({
      found: false,
      where: `${DATE_DIR}/${product.id}/ (or ${product.id}.zip)`,
    });
  });

  it("finds <product>.zip, whose /vsizip/ root reads as the folder does", async () => {
    const zip = path.join(storage, DATE_DIR, `${product.id}.zip`);
    await fs.mkdir(path.dirname(zip), { recursive: true });
    await zipRadarsat2Product(product.dir, zip);
    expect(await locateRadarsat2(storage, scene)).toEqual({ found: true, source: zip, kind: "zip" });
    const root = radarsat2VsizipRoot(zip, scene);
    expect(root).toBe(`/vsizip/{${zip}}/${product.id}`);
    expect(await readRadarsat2Product(root)).toEqual(await readRadarsat2Product(product.dir));
  });

  it("prefers the folder holding product.xml to the zip, and a folder without one to nothing", async () => {
    const folder = path.join(storage, DATE_DIR, product.id);
    const zip = `${folder}.zip`;
    await fs.mkdir(folder);
    // An empty folder beside the zip (an unpacking that failed): the zip is what can be read.
    expect(await locateRadarsat2(storage, scene)).toEqual({ found: true, source: zip, kind: "zip" });
    await fs.rename(zip, `${zip}.aside`);
    // Alone, the folder is the product, so that reading it names the missing product.xml.
    expect(await locateRadarsat2(storage, scene)).toEqual({ found: true, source: folder, kind: "folder" });
    await expect(readRadarsat2Product(folder)).rejects.toThrow(`product.xml not found in ${product.id}`);
    await fs.rename(`${zip}.aside`, zip);
    await fs.cp(product.dir, folder, { recursive: true });
    expect(await locateRadarsat2(storage, scene)).toEqual({ found: true, source: folder, kind: "folder" });
  });
});
