import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bandFileName } from "../../../src/imagery/band-files.js";
import { MtlError, parseMtlJson, parseMtlText, readMtl } from "../../../src/imagery/mtl.js";
import { SCENES, SHARED_STORAGE } from "../../helpers/paths.js";

// Band files are found from the MTL's file-name fields, read by group, on the real fixture MTLs.

const dirOf = (scene: { id: string; path: string; row: string }): string =>
  path.join(SHARED_STORAGE, "l8-l2a-products", "tiles", scene.path, scene.row, scene.id);

describe("bandFileName on real MTLs", () => {
  it("takes a Collection 2 Level-2 band from PRODUCT_CONTENTS, not the Level-1 record that repeats the key", async () => {
    const mtl = await readMtl(dirOf(SCENES.l2), SCENES.l2.id);
    expect(bandFileName(mtl, "B4")).toBe(`${SCENES.l2.id}_SR_B4.TIF`);
    expect(bandFileName(mtl, "B10")).toBe(`${SCENES.l2.id}_ST_B10.TIF`);
    expect(() => bandFileName(mtl, "B11")).toThrow(/MTL has no PRODUCT_CONTENTS\.FILE_NAME_BAND_11/);
  });

  it("takes a Collection 1 Level-1 band from PRODUCT_METADATA", async () => {
    const mtl = await readMtl(dirOf(SCENES.l1), SCENES.l1.id);
    expect(bandFileName(mtl, "B4")).toBe(`${SCENES.l1.id}_B4.TIF`);
    expect(bandFileName(mtl, "B11")).toBe(`${SCENES.l1.id}_B11.TIF`);
  });

  it("reads the same groups from MTL.json as from MTL.txt", async () => {
    const dir = dirOf(SCENES.south);
    const fromText = parseMtlText(await fs.readFile(path.join(dir, `${SCENES.south.id}_MTL.txt`), "utf8"));
    const fromJson = parseMtlJson(await fs.readFile(path.join(dir, `${SCENES.south.id}_MTL.json`), "utf8"));
    for (const band of ["B1", "B2", "B7", "B10"] as const) {
      expect(bandFileName(fromJson, band)).toBe(bandFileName(fromText, band));
    }
  });
});

describe("MTL errors name what is wrong", () => {
  it.each([
    ["GROUP = A\n  X = 1\n", /ends inside GROUP A/],
    ["GROUP = A\nEND_GROUP = B\n", /END_GROUP = B does not close A/],
    ["GROUP = A\n  garbage line\nEND_GROUP = A\n", /line 2 is not KEY = value/],
  ])("parseMtlText(%j)", (text, message) => {
    expect(() => parseMtlText(text)).toThrow(message);
  });

  it("refuses an MTL with no file list, and a file name with a path in it", () => {
    expect(() => bandFileName(parseMtlText("GROUP = X\nEND_GROUP = X\n"), "B4")).toThrow(
      /no LANDSAT_METADATA_FILE\.PRODUCT_CONTENTS or L1_METADATA_FILE\.PRODUCT_METADATA group/,
    );
    const sneaky = parseMtlText(
      'GROUP = LANDSAT_METADATA_FILE\nGROUP = PRODUCT_CONTENTS\nFILE_NAME_BAND_4 = "../../etc/passwd"\nEND_GROUP = PRODUCT_CONTENTS\nEND_GROUP = LANDSAT_METADATA_FILE\nEND\n',
    );
    expect(() => bandFileName(sneaky, "B4")).toThrow(MtlError);
    expect(() => bandFileName(sneaky, "B4")).toThrow(/FILE_NAME_BAND_4 is not a plain file name/);
  });

  it("reports a scene folder without an MTL", async () => {
    await expect(readMtl(SHARED_STORAGE, SCENES.l2.id)).rejects.toThrow(/no .*_MTL\.txt or .*_MTL\.json/);
  });
});
