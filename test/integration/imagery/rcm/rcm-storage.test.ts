import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRcmProduct } from "../../../../src/imagery/rcm/rcm-product.js";
import { parseRcmSceneId, type RcmSceneId } from "../../../../src/imagery/rcm/rcm-scene-id.js";
import { locateRcm, rcmDateDir, rcmVsizipRoot } from "../../../../src/imagery/rcm/rcm-storage.js";
import { writeSyntheticRcm, zipRcmProduct, type SyntheticRcm } from "../../../helpers/synthetic-rcm.js";

// Finding a product on the volume under rcm-products/<YYYY>/<MM>/<DD>/ as its folder or its zip, and reading a
// zipped one in place.

const DATE_DIR = path.join("rcm-products", "2021", "08", "15");

let storage: string;
let product: SyntheticRcm;
let scene: RcmSceneId;
beforeAll(async () => {
  storage = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-rcm-storage-"));
  product = await writeSyntheticRcm(path.join(storage, "made"), { samples: 64, lines: 48 });
  scene = parseRcmSceneId(product.id)!;
});
afterAll(async () => {
  await fs.rm(storage, { recursive: true, force: true });
});

describe("locateRcm", () => {
  it("files a product under the date of its id", () => {
    expect(rcmDateDir(scene)).toBe(DATE_DIR);
    const other = parseRcmSceneId("RCM3_OK2120467_PK2120468_3_SC30MCPB_20200124_083635_CH_CV_MLC")!;
    expect(rcmDateDir(other)).toBe(path.join("rcm-products", "2020", "01", "24"));
  });

  it("says where it looked, relative to the storage, for a product that is not there", async () => {
    expect(await locateRcm(storage, scene)).toEqual({
      found: false,
      where: `${DATE_DIR}/${product.id}/ (or ${product.id}.zip)`,
    });
  });

  it("finds <product>.zip, whose /vsizip/ root reads as the folder does", async () => {
    const zip = path.join(storage, DATE_DIR, `${product.id}.zip`);
    await fs.mkdir(path.dirname(zip), { recursive: true });
    await zipRcmProduct(product.dir, zip);
    expect(await locateRcm(storage, scene)).toEqual({ found: true, source: zip, kind: "zip" });
    const root = rcmVsizipRoot(zip, scene);
    expect(root).toBe(`/vsizip/{${zip}}/${product.id}`);
    expect(await readRcmProduct(root)).toEqual(await readRcmProduct(product.dir));
  });

  it("prefers the folder holding metadata/product.xml to the zip, and a folder without one to nothing", async () => {
    const folder = path.join(storage, DATE_DIR, product.id);
    const zip = `${folder}.zip`;
    await fs.mkdir(folder);
    // An empty folder beside the zip (an unpacking that failed): the zip is what can be read.
    expect(await locateRcm(storage, scene)).toEqual({ found: true, source: zip, kind: "zip" });
    // A product.xml at the folder's top is not where RCM keeps it.
    await fs.writeFile(path.join(folder, "product.xml"), "<product/>");
    expect(await locateRcm(storage, scene)).toEqual({ found: true, source: zip, kind: "zip" });
    await fs.rename(zip, `${zip}.aside`);
    // Alone, the folder is the product, so that reading it names the missing metadata/product.xml.
    expect(await locateRcm(storage, scene)).toEqual({ found: true, source: folder, kind: "folder" });
    await expect(readRcmProduct(folder)).rejects.toThrow(`metadata/product.xml not found in ${product.id}`);
    await fs.rename(`${zip}.aside`, zip);
    await fs.rm(folder, { recursive: true });
    await fs.cp(product.dir, folder, { recursive: true });
    expect(await locateRcm(storage, scene)).toEqual({ found: true, source: folder, kind: "folder" });
  });
});
