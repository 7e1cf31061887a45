import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  bandFile,
  readLandsatMetadata,
  type LandsatMetadata,
} from "../../../../src/imagery/landsat/landsat-metadata.js";
import { MtlError, parseMtlJson, parseMtlText, readMtl } from "../../../../src/imagery/landsat/mtl.js";
import { fixtureSceneDir, SCENES, SHARED_STORAGE } from "../../../helpers/paths.js";

// The MTL model on every fixture scene, in both formats, checked against the USGS STAC JSON shipped beside it.

interface UsgsStac {
  properties: Record<string, unknown>;
  assets: Record<string, { href: string }>;
}

async function stac(scene: { id: string; path: string; row: string }, kind: "SR" | "ST"): Promise<UsgsStac> {
  return JSON.parse(
    await fs.readFile(path.join(fixtureSceneDir(scene), `${scene.id}_${kind}_stac.json`), "utf8"),
  ) as UsgsStac;
}

async function bothFormats(scene: { id: string; path: string; row: string }): Promise<LandsatMetadata[]> {
  const dir = fixtureSceneDir(scene);
  return [
    readLandsatMetadata(parseMtlText(await fs.readFile(path.join(dir, `${scene.id}_MTL.txt`), "utf8"))),
    readLandsatMetadata(parseMtlJson(await fs.readFile(path.join(dir, `${scene.id}_MTL.json`), "utf8"))),
  ];
}

describe.each([SCENES.l2, SCENES.south])("Collection 2 Level-2 MTL of $id", (scene) => {
  it("reads the same model from MTL.txt and MTL.json", async () => {
    const [fromText, fromJson] = await bothFormats(scene);
    expect(fromJson).toEqual(fromText);
  });

  it("agrees with the USGS STAC Items on sun elevation, collection and every band file", async () => {
    const [metadata] = await bothFormats(scene);
    const sr = await stac(scene, "SR");
    const st = await stac(scene, "ST");
    expect(metadata!.productId).toBe(scene.id);
    expect(metadata!.processingLevel).toBe("L2SP");
    expect(metadata!.sunElevation).toBe(sr.properties["eo:sun_elevation"]);
    expect(metadata!.acquiredAt.slice(0, 10)).toBe(sr.properties["datetime"]);
    expect(metadata!.collection).toBe(Number(sr.properties["landsat:collection_number"]));
    for (const n of [1, 2, 3, 4, 5, 6, 7] as const) {
      const band = `B${n}` as const;
      expect(bandFile(metadata!, band)).toBe(path.basename(sr.assets[`SR_B${n}.TIF`]!.href));
    }
    expect(bandFile(metadata!, "B10")).toBe(path.basename(st.assets["ST_B10.TIF"]!.href));
    expect(metadata!.qaPixelFile).toBe(`${scene.id}_QA_PIXEL.TIF`);
  });

  it("takes each coefficient from its own group: Level-2 SR and ST scales, Level-1 TOA scales apart", async () => {
    const [metadata] = await bothFormats(scene);
    expect(metadata!.surfaceReflectance.B4).toEqual({ mult: 2.75e-5, add: -0.2 });
    expect(metadata!.surfaceTemperature.B10).toEqual({ mult: 0.00341802, add: 149.0 });
    expect(metadata!.reflectance.B4).toEqual({ mult: 2.0e-5, add: -0.1 });
    expect(metadata!.thermal.B10?.k1).toBeGreaterThan(700);
  });
});

describe("Collection 1 Level-1 MTL", () => {
  it("reads the level, sun elevation, band files, rescaling and thermal constants", async () => {
    const metadata = readLandsatMetadata(await readMtl(fixtureSceneDir(SCENES.l1), SCENES.l1.id));
    expect(metadata).toMatchObject({
      productId: SCENES.l1.id,
      collection: 1,
      processingLevel: "L1TP",
      sunElevation: 62.17310472,
      acquiredAt: "2017-08-13T15:54:15.788Z",
      qaPixelFile: `${SCENES.l1.id}_BQA.TIF`,
    });
    expect(bandFile(metadata, "B4")).toBe(`${SCENES.l1.id}_B4.TIF`);
    expect(bandFile(metadata, "B11")).toBe(`${SCENES.l1.id}_B11.TIF`);
    expect(metadata.radiance.B4).toEqual({ mult: expect.any(Number), add: expect.any(Number) });
    expect(metadata.reflectance.B4).toEqual({ mult: 2.0e-5, add: -0.1 });
    expect(metadata.reflectance.B10).toBeUndefined();
    expect(metadata.thermal.B10).toEqual({ k1: expect.any(Number), k2: expect.any(Number) });
    expect(metadata.surfaceReflectance).toEqual({});
  });
});

describe("MTL errors name what is wrong", () => {
  const C2 = (contents: string, extra = ""): string =>
    `GROUP = LANDSAT_METADATA_FILE\nGROUP = PRODUCT_CONTENTS\n${contents}\nEND_GROUP = PRODUCT_CONTENTS\n` +
    `GROUP = IMAGE_ATTRIBUTES\nSUN_ELEVATION = 45.0\nDATE_ACQUIRED = 2020-08-14\nSCENE_CENTER_TIME = "15:54:15.7884640Z"\nEND_GROUP = IMAGE_ATTRIBUTES\n${extra}END_GROUP = LANDSAT_METADATA_FILE\nEND\n`;
  const ok = 'LANDSAT_PRODUCT_ID = "X"\nPROCESSING_LEVEL = "L1TP"\nCOLLECTION_NUMBER = 02';

  it.each([
    ["GROUP = A\n  X = 1\n", /ends inside GROUP A/],
    ["GROUP = A\nEND_GROUP = B\n", /END_GROUP = B does not close A/],
    ["GROUP = A\n  garbage line\nEND_GROUP = A\n", /line 2 is not KEY = value/],
  ])("parseMtlText(%j)", (text, message) => {
    expect(() => parseMtlText(text)).toThrow(message);
  });

  it.each([
    ["GROUP = X\nEND_GROUP = X\n", /neither a LANDSAT_METADATA_FILE nor a L1_METADATA_FILE group/],
    [C2('LANDSAT_PRODUCT_ID = "X"'), /MTL has no LANDSAT_METADATA_FILE\.PRODUCT_CONTENTS\.PROCESSING_LEVEL/],
    [
      C2(ok).replace("SUN_ELEVATION = 45.0", "SUN_ELEVATION = high"),
      /IMAGE_ATTRIBUTES\.SUN_ELEVATION is not a number/,
    ],
    [C2(ok).replace("SUN_ELEVATION = 45.0", "SUN_ELEVATION = -3"), /sunElevation is invalid/],
    [
      C2(ok).replace("SUN_ELEVATION = 45.0\n", ""),
      /MTL has no LANDSAT_METADATA_FILE\.IMAGE_ATTRIBUTES\.SUN_ELEVATION/,
    ],
    [
      C2(
        ok,
        "GROUP = LEVEL1_RADIOMETRIC_RESCALING\nRADIANCE_MULT_BAND_4 = 0.01\nEND_GROUP = LEVEL1_RADIOMETRIC_RESCALING\n",
      ),
      /MTL has no LANDSAT_METADATA_FILE\.LEVEL1_RADIOMETRIC_RESCALING\.RADIANCE_ADD_BAND_4/,
    ],
    [C2(`${ok}\nFILE_NAME_BAND_4 = "../../etc/passwd"`), /FILE_NAME_BAND_4 is not a plain file name/],
    [C2(ok).replace('"15:54:15.7884640Z"', '"noon"'), /IMAGE_ATTRIBUTES\.SCENE_CENTER_TIME is not hh:mm:ss/],
  ])("readLandsatMetadata refuses a bad MTL (%#)", (text, message) => {
    expect(() => readLandsatMetadata(parseMtlText(text))).toThrow(MtlError);
    expect(() => readLandsatMetadata(parseMtlText(text))).toThrow(message);
  });

  it("names a band the product does not have", () => {
    const metadata = readLandsatMetadata(parseMtlText(C2(ok)));
    expect(() => bandFile(metadata, "B11")).toThrow(/names no file for band B11 \(FILE_NAME_BAND_11\)/);
  });

  it("reports a scene folder without an MTL", async () => {
    await expect(readMtl(SHARED_STORAGE, SCENES.l2.id)).rejects.toThrow(/no .*_MTL\.txt or .*_MTL\.json/);
  });
});
