import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSentinel2Metadata } from "../../../../src/imagery/sentinel2/read-sentinel2-metadata.js";
import {
  finestBandFile,
  presentFiles,
  sclFile,
} from "../../../../src/imagery/sentinel2/sentinel2-band-files.js";
import { Sentinel2MetadataError } from "../../../../src/imagery/sentinel2/sentinel2-metadata-error.js";
import { sentinel2ProductSource } from "../../../../src/imagery/sentinel2/sentinel2-product-source.js";
import {
  FAKE_GRANULE,
  FAKE_ID,
  FAKE_SAFE,
  L2A_GRANULE,
  L2A_ID,
  L2A_SAFE,
  sceneOf,
  tempDir,
} from "./sentinel2-fixtures.js";

// The metadata model of the real 04.00 L2A product and of GDAL's fake 05.09 one, the band files each really holds,
// and broken copies of the real metadata failing with the file and element named.

const folder = (dir: string) => sentinel2ProductSource({ kind: "folder", dir });

describe(`real L2A ${L2A_ID} (baseline 04.00, only R60m band files)`, () => {
  it("reads identity, radiometry, cloud cover, tile, projection, sun and footprint from the two XML files", async () => {
    const metadata = await readSentinel2Metadata(folder(L2A_SAFE), sceneOf(L2A_ID));
    expect(metadata).toMatchObject({
      productId: L2A_ID,
      level: "L2A",
      satellite: "S2A",
      processingBaseline: "04.00",
      sensingTime: "2022-10-05T11:54:11.024Z",
      tileSensingTime: "2022-10-05T11:56:49.581767Z",
      generationTime: "2022-10-05T16:44:54.000000Z",
      quantificationValue: 10000,
      nodata: 0,
      saturated: 65535,
      cloudCover: 59.769726,
      tileId: "29UNU",
      datatakeId: "GS2A_20221005T115411_038058_N04.00",
      orbit: 23,
      orbitDirection: "DESCENDING",
      sunZenith: 57.820574357679,
      sunAzimuth: 172.840206897213,
      epsg: 32629,
      granuleDir: L2A_GRANULE,
      classificationMaskFile: `${L2A_GRANULE}/QI_DATA/MSK_CLASSI_B00.jp2`,
    });
    expect(Object.values(metadata.addOffsets)).toEqual(Array(13).fill(-1000));
    // EXT_POS_LIST is latitude first; the footprint is [lon, lat], closed.
    expect(metadata.footprint[0]).toEqual([-7.7604675, 53.24107326120979]);
    expect(metadata.footprint.at(-1)).toEqual(metadata.footprint[0]);
    expect(metadata.footprint).toHaveLength(12);
  });

  it("lists B02 at 10, 20 and 60 m, but finestBandFile takes R60m, the only one the archive holds", async () => {
    const source = folder(L2A_SAFE);
    const metadata = await readSentinel2Metadata(source, sceneOf(L2A_ID));
    expect(metadata.bandFiles.B02?.map((f) => f.resolution)).toEqual([10, 20, 60]);
    const exists = await presentFiles(source, metadata);
    expect(finestBandFile(metadata, "B02", exists)).toEqual({
      file: `${L2A_GRANULE}/IMG_DATA/R60m/T29UNU_20221005T115411_B02_60m.jp2`,
      resolution: 60,
    });
    expect(finestBandFile(metadata, "B8A", exists).resolution).toBe(60);
    // SCL is kept at 20 m in this archive.
    expect(sclFile(metadata, exists)).toEqual({
      file: `${L2A_GRANULE}/IMG_DATA/R20m/T29UNU_20221005T115411_SCL_20m.jp2`,
      resolution: 20,
    });
    // B08 exists at 10 m only in L2A, and R10m holds only AOT here.
    expect(() => finestBandFile(metadata, "B08", exists)).toThrow(/none of the B08 files the metadata lists/);
    expect(metadata.bandFiles.B10).toBeUndefined();
  });
});

describe(`GDAL's fake L2A ${FAKE_ID} (baseline 05.09, every resolution)`, () => {
  it("reads the model and picks 10 m for B02, 20 m for B01 and B8A, 20 m SCL", async () => {
    const source = folder(FAKE_SAFE);
    const metadata = await readSentinel2Metadata(source, sceneOf(FAKE_ID));
    expect(metadata).toMatchObject({
      satellite: "S2B",
      processingBaseline: "05.09",
      quantificationValue: 10000,
      tileId: "34UCF",
      epsg: 32634,
      sensingTime: "2023-08-23T09:55:59.024Z",
      orbit: 122,
    });
    expect(Object.values(metadata.addOffsets)).toEqual(Array(13).fill(-1000));
    const exists = await presentFiles(source, metadata);
    const pick = (band: "B01" | "B02" | "B8A" | "B09") => finestBandFile(metadata, band, exists);
    expect(pick("B02")).toEqual({
      file: `${FAKE_GRANULE}/IMG_DATA/R10m/T34UCF_20230823T095559_B02_10m.jp2`,
      resolution: 10,
    });
    expect(pick("B01").resolution).toBe(20);
    expect(pick("B8A").resolution).toBe(20);
    expect(pick("B09").resolution).toBe(60);
    expect(sclFile(metadata, exists).resolution).toBe(20);
    expect(exists(metadata.classificationMaskFile!)).toBe(true);
  });
});

describe("broken metadata fails naming the file and the element", () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  /** A copy of the real product's two XML files, one of them edited. */
  async function brokenCopy(edit: {
    mtd?: (xml: string) => string;
    tile?: (xml: string) => string;
  }): Promise<string> {
    const safe = path.join(await fs.mkdtemp(path.join(root, "case-")), `${L2A_ID}.SAFE`);
    await fs.mkdir(path.join(safe, L2A_GRANULE), { recursive: true });
    for (const [file, change] of [
      ["MTD_MSIL2A.xml", edit.mtd],
      [`${L2A_GRANULE}/MTD_TL.xml`, edit.tile],
    ] as const) {
      const xml = await fs.readFile(path.join(L2A_SAFE, file), "utf8");
      await fs.writeFile(path.join(safe, file), change === undefined ? xml : change(xml));
    }
    return safe;
  }

  const read = async (safe: string) => readSentinel2Metadata(folder(safe), sceneOf(L2A_ID));
  const cut = (element: string) => (xml: string) =>
    xml.replace(new RegExp(`<${element}[^>]*>[^<]*</${element}>`), "");

  it.each([
    [
      "a non-numeric quantification value",
      {
        mtd: (x: string) =>
          x.replace(">10000</BOA_QUANTIFICATION_VALUE>", ">ten thousand</BOA_QUANTIFICATION_VALUE>"),
      },
      'MTD_MSIL2A.xml: <General_Info/Product_Image_Characteristics/QUANTIFICATION_VALUES_LIST/BOA_QUANTIFICATION_VALUE> is not a number: "ten thousand"',
    ],
    [
      "a quantification value of 0",
      { mtd: (x: string) => x.replace(">10000</BOA_QUANTIFICATION_VALUE>", ">0</BOA_QUANTIFICATION_VALUE>") },
      "BOA_QUANTIFICATION_VALUE> is not a positive number",
    ],
    [
      "no quantification value",
      { mtd: cut("BOA_QUANTIFICATION_VALUE") },
      "MTD_MSIL2A.xml: no <General_Info/Product_Image_Characteristics/QUANTIFICATION_VALUES_LIST/BOA_QUANTIFICATION_VALUE>",
    ],
    [
      "no BOA offset list at baseline 04.00",
      {
        mtd: (x: string) =>
          x.replace(/<BOA_ADD_OFFSET_VALUES_LIST>[\s\S]*<\/BOA_ADD_OFFSET_VALUES_LIST>/, ""),
      },
      "MTD_MSIL2A.xml: no <General_Info/Product_Image_Characteristics/BOA_ADD_OFFSET_VALUES_LIST>, which products of baseline 04.00",
    ],
    [
      "one BOA offset missing",
      { mtd: (x: string) => x.replace('<BOA_ADD_OFFSET band_id="8">-1000</BOA_ADD_OFFSET>', "") },
      'no <General_Info/Product_Image_Characteristics/BOA_ADD_OFFSET_VALUES_LIST/BOA_ADD_OFFSET band_id="8">',
    ],
    [
      "no cloud cover",
      { mtd: cut("Cloud_Coverage_Assessment") },
      "MTD_MSIL2A.xml: no <Quality_Indicators_Info/Cloud_Coverage_Assessment>",
    ],
    [
      "a cloud cover of 140 %",
      { mtd: (x: string) => x.replace(">59.769726<", ">140<") },
      'Quality_Indicators_Info/Cloud_Coverage_Assessment> is not a percentage: "140"',
    ],
    [
      "a footprint of odd length",
      {
        mtd: (x: string) =>
          x.replace("53.24107326120979 -7.7604675 </EXT_POS_LIST>", "53.24107326120979 </EXT_POS_LIST>"),
      },
      "EXT_POS_LIST> is not a list of at least 3 latitude longitude pairs",
    ],
    [
      "a footprint latitude of 153",
      {
        mtd: (x: string) => x.replace("<EXT_POS_LIST>53.24107326120979", "<EXT_POS_LIST>153.24107326120979"),
      },
      "MTD_MSIL2A.xml: <Geometric_Info/Product_Footprint/Product_Footprint/Global_Footprint/EXT_POS_LIST> is invalid (footprint[0][1]",
    ],
    [
      "an IMAGE_FILE outside the product",
      {
        mtd: (x: string) =>
          x.replace(`${L2A_GRANULE}/IMG_DATA/R10m/T29UNU_20221005T115411_B02_10m`, "../../etc/passwd"),
      },
      'IMAGE_FILE> is not a plain path inside the product: "../../etc/passwd"',
    ],
    [
      "a PRODUCT_URI of another product",
      { mtd: (x: string) => x.replace(`<PRODUCT_URI>${L2A_ID}`, "<PRODUCT_URI>S2B_MSIL2A_X") },
      `MTD_MSIL2A.xml: PRODUCT_URI names S2B_MSIL2A_X, not ${L2A_ID}`,
    ],
    [
      "no EPSG code in the tile metadata",
      { tile: cut("HORIZONTAL_CS_CODE") },
      `${L2A_GRANULE}/MTD_TL.xml: no <Geometric_Info/Tile_Geocoding/HORIZONTAL_CS_CODE>`,
    ],
    [
      "a geographic CRS for the tile",
      { tile: (x: string) => x.replace("EPSG:32629", "EPSG:4326") },
      `${L2A_GRANULE}/MTD_TL.xml: <Geometric_Info/Tile_Geocoding/HORIZONTAL_CS_CODE> is not a UTM EPSG code`,
    ],
    [
      "the wrong UTM zone for the tile",
      { tile: (x: string) => x.replace("EPSG:32629", "EPSG:32630") },
      "HORIZONTAL_CS_CODE EPSG:32630 is not UTM zone 29",
    ],
    [
      "a sun zenith angle that is not a number",
      { tile: (x: string) => x.replace(">57.820574357679<", ">high<") },
      'MTD_TL.xml: <Geometric_Info/Tile_Angles/Mean_Sun_Angle/ZENITH_ANGLE> is not a number: "high"',
    ],
    [
      "truncated tile XML",
      { tile: (x: string) => x.slice(0, 5000) },
      `${L2A_GRANULE}/MTD_TL.xml is not well-formed XML`,
    ],
  ])("%s", async (_, edit, message) => {
    const safe = await brokenCopy(edit);
    const error = await read(safe).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Sentinel2MetadataError);
    expect((error as Error).message).toContain(message);
  });

  it("names a missing metadata file", async () => {
    const safe = await brokenCopy({});
    await fs.rm(path.join(safe, L2A_GRANULE, "MTD_TL.xml"));
    await expect(read(safe)).rejects.toThrow(`${L2A_GRANULE}/MTD_TL.xml is not in the product`);
    await fs.rm(path.join(safe, "MTD_MSIL2A.xml"));
    await expect(read(safe)).rejects.toThrow("MTD_MSIL2A.xml is not in the product");
  });
});
