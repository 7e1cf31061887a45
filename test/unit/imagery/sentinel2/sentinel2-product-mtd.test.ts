import { describe, expect, it } from "vitest";
import { ProductError } from "../../../../src/imagery/landsat/landsat-products.js";
import { MaskError } from "../../../../src/imagery/landsat/landsat-qa.js";
import {
  classificationMaskFile,
  finestBandFile,
  sclFile,
} from "../../../../src/imagery/sentinel2/sentinel2-band-files.js";
import { Sentinel2MetadataError } from "../../../../src/imagery/sentinel2/sentinel2-metadata-error.js";
import { readProductMtd } from "../../../../src/imagery/sentinel2/sentinel2-product-mtd.js";

// The product MTD of an L1C product (no L1C SAFE is among the fixtures): an MTD_MSIL1C.xml shaped like GDAL's
// fake_l1c_processing_baseline_5_09 one, cut to the elements the reader uses, at baselines before and after 04.00.

const GRANULE = "GRANULE/L1C_T34UCF_A033753_20230823T095553";
const BANDS = [
  "B01",
  "B02",
  "B03",
  "B04",
  "B05",
  "B06",
  "B07",
  "B08",
  "B8A",
  "B09",
  "B10",
  "B11",
  "B12",
  "TCI",
];

function l1cMtd(baseline: string, offsets: string): string {
  const files = BANDS.map((b) => `<IMAGE_FILE>${GRANULE}/IMG_DATA/T34UCF_20230823T095559_${b}</IMAGE_FILE>`);
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<n1:Level-1C_User_Product xmlns:n1="https://psd-14.sentinel2.eo.esa.int/PSD/User_Product_Level-1C.xsd">
  <n1:General_Info>
    <Product_Info>
      <PRODUCT_START_TIME>2023-08-23T09:55:59.024Z</PRODUCT_START_TIME>
      <PRODUCT_URI>S2B_MSIL1C_20230823T095559_N0509_R122_T34UCF_20230823T120234.SAFE</PRODUCT_URI>
      <PROCESSING_LEVEL>Level-1C</PROCESSING_LEVEL>
      <PROCESSING_BASELINE>${baseline}</PROCESSING_BASELINE>
      <GENERATION_TIME>2023-08-23T12:02:34.000000Z</GENERATION_TIME>
      <Datatake datatakeIdentifier="GS2B_20230823T095559_033753_N05.09">
        <SPACECRAFT_NAME>Sentinel-2B</SPACECRAFT_NAME>
        <SENSING_ORBIT_NUMBER>122</SENSING_ORBIT_NUMBER>
        <SENSING_ORBIT_DIRECTION>ASCENDING</SENSING_ORBIT_DIRECTION>
      </Datatake>
      <Product_Organisation><Granule_List><Granule imageFormat="JPEG2000">
        ${files.join("\n        ")}
      </Granule></Granule_List></Product_Organisation>
    </Product_Info>
    <Product_Image_Characteristics>
      <Special_Values><SPECIAL_VALUE_TEXT>NODATA</SPECIAL_VALUE_TEXT><SPECIAL_VALUE_INDEX>0</SPECIAL_VALUE_INDEX></Special_Values>
      <Special_Values><SPECIAL_VALUE_TEXT>SATURATED</SPECIAL_VALUE_TEXT><SPECIAL_VALUE_INDEX>65535</SPECIAL_VALUE_INDEX></Special_Values>
      <QUANTIFICATION_VALUE unit="none">10000</QUANTIFICATION_VALUE>
      ${offsets}
      <Spectral_Information_List>
        <Spectral_Information bandId="8" physicalBand="B8A"><RESOLUTION>20</RESOLUTION></Spectral_Information>
        <Spectral_Information bandId="9" physicalBand="B9"><RESOLUTION>60</RESOLUTION></Spectral_Information>
      </Spectral_Information_List>
    </Product_Image_Characteristics>
  </n1:General_Info>
  <n1:Geometric_Info><Product_Footprint><Product_Footprint><Global_Footprint>
    <EXT_POS_LIST>55.0 17.8 55.0 19.5 54.0 19.6 54.0 17.9 55.0 17.8</EXT_POS_LIST>
  </Global_Footprint></Product_Footprint></Product_Footprint></n1:Geometric_Info>
  <n1:Quality_Indicators_Info><Cloud_Coverage_Assessment>3.34</Cloud_Coverage_Assessment></n1:Quality_Indicators_Info>
</n1:Level-1C_User_Product>`;
}

const offsetList = (value: number, ids = 13): string =>
  `<Radiometric_Offset_List>${Array.from({ length: ids }, (_, i) => `<RADIO_ADD_OFFSET band_id="${i}">${value}</RADIO_ADD_OFFSET>`).join("")}</Radiometric_Offset_List>`;

describe("readProductMtd on an L1C product", () => {
  it("reads the radiometry, identity and footprint of a 05.09 product with RADIO_ADD_OFFSET", () => {
    const mtd = readProductMtd(l1cMtd("05.09", offsetList(-1000)), "L1C");
    expect(mtd).toMatchObject({
      productId: "S2B_MSIL1C_20230823T095559_N0509_R122_T34UCF_20230823T120234",
      level: "L1C",
      satellite: "S2B",
      processingBaseline: "05.09",
      quantificationValue: 10000,
      nodata: 0,
      saturated: 65535,
      cloudCover: 3.34,
      orbit: 122,
      orbitDirection: "ASCENDING",
      datatakeId: "GS2B_20230823T095559_033753_N05.09",
    });
    expect(mtd.addOffsets).toMatchObject({ B01: -1000, B8A: -1000, B12: -1000 });
    expect(Object.keys(mtd.addOffsets)).toHaveLength(13);
    expect(mtd.footprint[0]).toEqual([17.8, 55.0]);
    expect(mtd.footprint).toHaveLength(5);
  });

  it("lists each L1C band once, at its native resolution, with .jp2 added; TCI is not a band", () => {
    const { images } = readProductMtd(l1cMtd("05.09", offsetList(-1000)), "L1C");
    expect(images.granuleDir).toBe(GRANULE);
    expect(images.bandFiles.B02).toEqual([
      { file: `${GRANULE}/IMG_DATA/T34UCF_20230823T095559_B02.jp2`, resolution: 10 },
    ]);
    expect(images.bandFiles.B8A?.[0]?.resolution).toBe(20);
    expect(images.bandFiles.B10?.[0]?.resolution).toBe(60);
    expect(Object.keys(images.bandFiles)).toHaveLength(13);
    expect(images.sclFiles).toEqual([]);
  });

  it("takes offset 0 before baseline 04.00, where products carry no offset list", () => {
    expect(readProductMtd(l1cMtd("03.01", ""), "L1C").addOffsets).toEqual({});
  });

  it.each([
    [
      "04.00",
      "",
      /MTD_MSIL1C.xml: no <General_Info\/Product_Image_Characteristics\/Radiometric_Offset_List>, which products of baseline 04.00/,
    ],
    [
      "05.09",
      offsetList(-1000, 12),
      /no <General_Info\/Product_Image_Characteristics\/Radiometric_Offset_List\/RADIO_ADD_OFFSET band_id="12">/,
    ],
    [
      "05.09",
      offsetList(-1000).replace('band_id="3">-1000', 'band_id="3">minus'),
      /RADIO_ADD_OFFSET> is not a number: "minus"/,
    ],
    [
      "05.09",
      offsetList(-1000).replace('band_id="12"', 'band_id="13"'),
      /RADIO_ADD_OFFSET> band_id 13 is not a band \(0-12\)/,
    ],
    ["4.0", "", /PROCESSING_BASELINE> is not NN.NN: "4.0"/],
  ])("fails at baseline %s naming the element", (baseline, offsets, message) => {
    expect(() => readProductMtd(l1cMtd(baseline, offsets), "L1C")).toThrow(Sentinel2MetadataError);
    expect(() => readProductMtd(l1cMtd(baseline, offsets), "L1C")).toThrow(message);
  });

  it("checks the band_id numbering against Spectral_Information, and the level against PROCESSING_LEVEL", () => {
    const swapped = l1cMtd("05.09", offsetList(0)).replace(
      'bandId="8" physicalBand="B8A"',
      'bandId="8" physicalBand="B9"',
    );
    expect(() => readProductMtd(swapped, "L1C")).toThrow(
      /Spectral_Information bandId="8"> is B9, not the expected B8A/,
    );
    expect(() => readProductMtd(l1cMtd("05.09", offsetList(0)), "L2A")).toThrow(
      /MTD_MSIL2A.xml: <General_Info\/Product_Info\/PROCESSING_LEVEL> is Level-1C, not Level-2A/,
    );
  });

  it("fails on XML that is not well-formed, naming the line", () => {
    expect(() => readProductMtd(l1cMtd("05.09", "<Radiometric_Offset_List>"), "L1C")).toThrow(
      /MTD_MSIL1C.xml is not well-formed XML \(line \d+, column \d+\)/,
    );
  });
});

describe("choosing band, SCL and classification mask files", () => {
  const files = (band: string, ...resolutions: (10 | 20 | 60)[]) =>
    resolutions.map((resolution) => ({ file: `R${resolution}m/${band}_${resolution}m.jp2`, resolution }));
  const metadata = {
    productId: "P",
    level: "L2A" as const,
    bandFiles: { B02: files("B02", 60, 10, 20), B8A: files("B8A", 20, 60) },
    sclFiles: files("SCL", 20, 60),
  };

  it("picks the finest file the product holds", () => {
    expect(finestBandFile(metadata, "B02", () => true)).toEqual({ file: "R10m/B02_10m.jp2", resolution: 10 });
    expect(finestBandFile(metadata, "B02", (f) => !f.startsWith("R10m"))).toMatchObject({ resolution: 20 });
    expect(finestBandFile(metadata, "B02", (f) => f.startsWith("R60m"))).toMatchObject({ resolution: 60 });
  });

  it("fails when the band is not listed, or none of its files is there", () => {
    expect(() => finestBandFile(metadata, "B10", () => true)).toThrow(ProductError);
    expect(() => finestBandFile(metadata, "B10", () => true)).toThrow(/P lists no file for band B10/);
    expect(() => finestBandFile(metadata, "B8A", () => false)).toThrow(
      /P: none of the B8A files the metadata lists is in the product \(R20m\/B8A_20m.jp2, R60m\/B8A_60m.jp2\)/,
    );
  });

  it("prefers the 20 m SCL, then 60 m; L1C has none", () => {
    expect(sclFile(metadata, () => true)).toMatchObject({ resolution: 20 });
    expect(sclFile(metadata, (f) => f.includes("60m"))).toMatchObject({ resolution: 60 });
    expect(() => sclFile({ ...metadata, level: "L1C" }, () => true)).toThrow(MaskError);
    expect(() => sclFile({ ...metadata, sclFiles: [] }, () => true)).toThrow(/lists no scene classification/);
  });

  it("takes L1C's MSK_CLASSI from baseline 04.00; before it, says there is no raster classification mask", () => {
    const l1c = {
      productId: "P",
      processingBaseline: "04.00",
      classificationMaskFile: "GRANULE/G/QI_DATA/MSK_CLASSI_B00.jp2",
    };
    expect(classificationMaskFile(l1c, () => true)).toBe("GRANULE/G/QI_DATA/MSK_CLASSI_B00.jp2");
    expect(() => classificationMaskFile(l1c, () => false)).toThrow(
      "P: the classification mask GRANULE/G/QI_DATA/MSK_CLASSI_B00.jp2 the metadata lists is not in the product",
    );
    const unlisted = { productId: "P", processingBaseline: "05.09" };
    expect(() => classificationMaskFile(unlisted, () => true)).toThrow("P: MTD_TL.xml lists no MSK_CLASSI");
    const old = { productId: "P", processingBaseline: "03.01" };
    expect(() => classificationMaskFile(old, () => true)).toThrow(MaskError);
    expect(() => classificationMaskFile(old, () => true)).toThrow(
      /P: processing baseline 03.01 has no raster classification mask .*MSK_CLOUDS_B00.gml\), so only fill can be masked/,
    );
  });
});
