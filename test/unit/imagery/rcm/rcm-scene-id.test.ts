import { describe, expect, it } from "vitest";
import { SceneIdError } from "../../../../src/imagery/scene-id-error.js";
import {
  parseRcmSceneId,
  RCM_CHANNELS,
  RCM_ID_EXAMPLE,
  RcmChannelSchema,
} from "../../../../src/imagery/rcm/rcm-scene-id.js";

// Every part of an RCM product name, and each way one can be wrong.

const MLC = "RCM3_OK2120467_PK2120468_3_SC30MCPB_20200124_083635_CH_CV_MLC";

describe("parseRcmSceneId", () => {
  it("reads every part of a compact-polarimetry MLC name", () => {
    expect(parseRcmSceneId(MLC)).toEqual({
      id: MLC,
      satellite: "RCM3",
      orderKey: "OK2120467",
      productKey: "PK2120468",
      productNumber: 3,
      beamMode: "SC30MCPB",
      acquisitionTime: "2020-01-24T08:36:35Z",
      acquired: "2020-01-24",
      channels: ["CH", "CV"],
      productType: "MLC",
    });
  });

  it("parses its own example", () => {
    expect(parseRcmSceneId(RCM_ID_EXAMPLE)?.id).toBe(RCM_ID_EXAMPLE);
  });

  it.each([
    [
      "RCM1_OK1234567_PK1234568_1_16M5_20210815_101010_HH_HV_GRD",
      { satellite: "RCM1", beamMode: "16M5", channels: ["HH", "HV"], productType: "GRD" },
    ],
    [
      "RCM3_OK2000431_PK2265822_1_SC50MA_20220920_215531_VV_VH_GRD",
      { satellite: "RCM3", beamMode: "SC50MA", acquired: "2022-09-20" },
    ],
    ["RCM1_OK1049807_PK1049808_1_16M11_20191028_224339_HH_HV_SLC", { beamMode: "16M11", productType: "SLC" }],
    [
      "RCM1_OK1052791_PK1052796_1_3MCP24_20200219_123901_CH_CV_GCD",
      { beamMode: "3MCP24", productType: "GCD" },
    ],
    [
      "RCM2_OK1_PK2_4_QP15_20240229_235959_HH_VV_HV_VH_GRC",
      { satellite: "RCM2", productNumber: 4, channels: ["HH", "VV", "HV", "VH"], acquired: "2024-02-29" },
    ],
    ["RCM1_OK2767220_PK2769320_1_SCLND_20230930_214014_VV_GCC", { channels: ["VV"], productType: "GCC" }],
    ["RCM1_OK1_PK2_1_3M_20190612_000000_HH_GRD", { beamMode: "3M", acquired: "2019-06-12" }],
  ])("parses %s", (id, expected) => {
    expect(parseRcmSceneId(id)).toMatchObject(expected);
  });

  it.each([
    "LC08_L1TP_015028_20200814_20200822_01_T1",
    "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454",
    "RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF",
    "rcm1_ok1_pk2_1_16m5_20210815_101010_hh_grd",
    "RC",
    "",
  ])("leaves %j to other sensors (undefined)", (id) => {
    expect(parseRcmSceneId(id)).toBeUndefined();
  });

  it.each([
    ["RCM", "1 parts separated by _, not 9 to 12"],
    ["RCM1_OK1_PK2_1_16M5_20210815_101010_GRD", "8 parts separated by _, not 9 to 12"],
    ["RCM1_OK1_PK2_1_16M5_20210815_101010_HH_HV_VV_VH_CH_GRD", "13 parts separated by _, not 9 to 12"],
    ["RCM4_OK1_PK2_1_16M5_20210815_101010_HH_GRD", "satellite RCM4 is not RCM1, RCM2 or RCM3"],
    ["RCM_OK1_PK2_1_16M5_20210815_101010_HH_GRD", "satellite RCM is not RCM1, RCM2 or RCM3"],
    ["RCM1_OK_PK2_1_16M5_20210815_101010_HH_GRD", "order key OK is not OK followed by digits"],
    ["RCM1_OK1_DK2_1_16M5_20210815_101010_HH_GRD", "product key DK2 is not PK followed by digits"],
    ["RCM1_OK1_PK2_A_16M5_20210815_101010_HH_GRD", "product number A is not digits"],
    ["RCM1_OK1_PK2_1_16m5_20210815_101010_HH_GRD", "beam mode 16m5 is not a mnemonic"],
    ["RCM1_OK1_PK2_1_165_20210815_101010_HH_GRD", "beam mode 165 is not a mnemonic"],
    ["RCM1_OK1_PK2_1_16M5_2021081_101010_HH_GRD", "date 2021081 is not YYYYMMDD"],
    ["RCM1_OK1_PK2_1_16M5_20210815_1010_HH_GRD", "time 1010 is not HHMMSS"],
    ["RCM1_OK1_PK2_1_16M5_20210230_101010_HH_GRD", "20210230_101010 is not a real date and time"],
    ["RCM1_OK1_PK2_1_16M5_20210815_240000_HH_GRD", "20210815_240000 is not a real date and time"],
    ["RCM1_OK1_PK2_1_16M5_20190611_235959_HH_GRD", "date 20190611 is before RCM was launched (2019-06-12)"],
    ["RCM1_OK1_PK2_1_16M5_20210815_101010_HX_GRD", "channel HX is not one of HH, HV, VV, VH, CH, CV"],
    ["RCM1_OK1_PK2_1_16M5_20210815_101010_HH_HH_GRD", "channel HH appears twice"],
    [
      "RCM1_OK1_PK2_1_16M5_20210815_101010_CH_HH_GRD",
      "compact-polarimetry channels (CH) do not come with linear ones",
    ],
    [
      "RCM1_OK1_PK2_1_16M5_20210815_101010_HH_HV_SGF",
      "product type SGF is not one of SLC, GRC, GRD, GCC, GCD, MLC",
    ],
    ["RCM1_OK1_PK2_1_16M5_20210815_101010_HH_HV_Z010", "product type Z010 is not one of"],
  ])("refuses %s naming the fault", (id, why) => {
    expect(() => parseRcmSceneId(id)).toThrow(SceneIdError);
    expect(() => parseRcmSceneId(id)).toThrow(why);
    expect(() => parseRcmSceneId(id)).toThrow(`(expected RCM<1-3>_OK<order>_PK<product>_`);
  });

  it("offers its channels as a schema for PARAMS.RCM.bands", () => {
    expect(RCM_CHANNELS).toEqual(["HH", "HV", "VV", "VH", "CH", "CV"]);
    expect(RcmChannelSchema.parse("CV")).toBe("CV");
    expect(RcmChannelSchema.safeParse("XC").error?.issues[0]?.message).toBe(
      "is not one of HH, HV, VV, VH, CH, CV",
    );
  });
});
