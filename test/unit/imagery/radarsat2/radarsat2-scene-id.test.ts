import { describe, expect, it } from "vitest";
import { SceneIdError } from "../../../../src/imagery/scene-id-error.js";
import {
  parseRadarsat2SceneId,
  RADARSAT2_ID_EXAMPLE,
} from "../../../../src/imagery/radarsat2/radarsat2-scene-id.js";

// Every part of a RADARSAT-2 product name, and each way one can be wrong.

const ID = "RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF";

describe("parseRadarsat2SceneId", () => {
  it("reads every part of a dual-pol SGF name", () => {
    expect(parseRadarsat2SceneId(ID)).toEqual({
      id: ID,
      orderKey: "OK76385",
      productKey: "PK678063",
      deliveryKey: "DK606752",
      beamMode: "W2",
      acquisitionTime: "2015-08-22T23:23:26Z",
      acquired: "2015-08-22",
      polarisations: ["HH", "HV"],
      productType: "SGF",
    });
  });

  it("parses its own example", () => {
    expect(parseRadarsat2SceneId(RADARSAT2_ID_EXAMPLE)?.id).toBe(RADARSAT2_ID_EXAMPLE);
  });

  it.each([
    [
      "RS2_OK135107_PK1187782_DK1151894_SCWA_20220407_182127_VV_VH_SGF",
      { beamMode: "SCWA", productType: "SGF" },
    ],
    [
      "RS2_OK76385_PK678064_DK606753_FQ23_20150906_172044_HH_VV_HV_VH_SLC",
      { beamMode: "FQ23", polarisations: ["HH", "VV", "HV", "VH"], productType: "SLC" },
    ],
    ["RS2_OK1_PK2_DK3_S3_20080101_000000_HH_SGX", { polarisations: ["HH"], productType: "SGX" }],
    ["RS2_OK1_PK2_DK3_U25_20121231_235959_VV_SSG", { beamMode: "U25", acquired: "2012-12-31" }],
    ["RS2_OK1_PK2_DK3_XF0W1_20160229_120000_VH_SPG", { beamMode: "XF0W1", acquired: "2016-02-29" }],
    [
      "RS2_OK1_PK2_DK3_EH3_20190704_010203_HV_SGF",
      { beamMode: "EH3", acquisitionTime: "2019-07-04T01:02:03Z" },
    ],
  ])("parses %s", (id, expected) => {
    expect(parseRadarsat2SceneId(id)).toMatchObject(expected);
  });

  it.each([
    "LC08_L1TP_015028_20200814_20200822_01_T1",
    "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454",
    "RCM1_OK1052791_PK1052796_1_3MCP24_20200219_123901_CH_CV_GCD",
    "RS2",
    "rs2_ok1_pk2_dk3_w2_20150822_232326_hh_sgf",
    "",
  ])("leaves %j to other sensors (undefined)", (id) => {
    expect(parseRadarsat2SceneId(id)).toBeUndefined();
  });

  const bad = (fields: Partial<Record<number, string>>): string =>
    ID.split("_")
      .map((part, i) => fields[i] ?? part)
      .join("_");

  it.each([
    ["RS2_OK1234", /2 parts separated by _, not 9 to 12/],
    [`${ID.replace("_HH_HV_", "_HH_HV_VV_VH_HH_")}`, /13 parts/],
    [bad({ 1: "OX76385" }), /order key OX76385 is not OK followed by digits/],
    [bad({ 2: "PK" }), /product key PK is not PK followed by digits/],
    [bad({ 3: "DKx1" }), /delivery key DKx1 is not DK followed by digits/],
    [bad({ 4: "w2" }), /beam mode w2 is not a mnemonic/],
    [bad({ 5: "2015082" }), /date 2015082 is not YYYYMMDD/],
    [bad({ 5: "20150230" }), /20150230_232326 is not a real date and time/],
    [bad({ 5: "20151322" }), /20151322_232326 is not a real date and time/],
    [bad({ 6: "242326" }), /20150822_242326 is not a real date and time/],
    [bad({ 6: "23232" }), /time 23232 is not HHMMSS/],
    [bad({ 5: "20050822" }), /before RADARSAT-2 was launched/],
    [bad({ 8: "HX" }), /polarisation HX is not one of HH, HV, VV, VH/],
    [bad({ 8: "HH" }), /polarisation HH appears twice/],
    [bad({ 9: "GRD" }), /product type GRD is not one of SLC, SGF, SGX, SSG, SPG/],
    ["RS2_OK1_PK2_DK3_W2_20150822_232326_HH_HV", /product type HV is not one of/],
  ])("refuses %s", (id, message) => {
    expect(() => parseRadarsat2SceneId(id)).toThrow(SceneIdError);
    expect(() => parseRadarsat2SceneId(id)).toThrow(message);
  });

  it("names the id, the expected form and an example in its message", () => {
    expect(() => parseRadarsat2SceneId(bad({ 9: "GRD" }))).toThrow(
      new RegExp(
        `^${bad({ 9: "GRD" })}: .*\\(expected RS2_OK<order>_PK<product>.*, e\\.g\\. ${RADARSAT2_ID_EXAMPLE}\\)$`,
      ),
    );
  });
});
