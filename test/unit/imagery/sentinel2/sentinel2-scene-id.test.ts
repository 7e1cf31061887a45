import { describe, expect, it } from "vitest";
import { SceneIdError } from "../../../../src/imagery/scene-id-error.js";
import { parseSentinel2SceneId } from "../../../../src/imagery/sentinel2/sentinel2-scene-id.js";

// Every form of a compact Sentinel-2 product name, and each way one can be wrong.

const L2A = "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454";

describe("parseSentinel2SceneId", () => {
  it("reads every field of an L2A id, with or without .SAFE", () => {
    const expected = {
      id: L2A,
      satellite: "S2A",
      level: "L2A",
      sensingTime: "2022-10-05T11:54:11Z",
      acquired: "2022-10-05",
      baseline: "04.00",
      orbit: 23,
      tile: "29UNU",
      utmZone: "29",
      latitudeBand: "U",
      square: "NU",
      generationTime: "2022-10-05T16:44:54Z",
    };
    expect(parseSentinel2SceneId(L2A)).toEqual(expected);
    expect(parseSentinel2SceneId(`${L2A}.SAFE`)).toEqual(expected);
  });

  it.each([
    [
      "S2B_MSIL1C_20230823T095559_N0509_R122_T34UCF_20230823T120234",
      { satellite: "S2B", level: "L1C", baseline: "05.09" },
    ],
    ["S2C_MSIL2A_20250201T101211_N0511_R022_T32TQM_20250201T122530.SAFE", { satellite: "S2C", level: "L2A" }],
    ["S2A_MSIL1C_20160112T160632_N0201_R054_T18SVG_20160112T161231", { baseline: "02.01", orbit: 54 }],
    // A single-digit zone: two digits in the tile id, none in the storage folder (tiles/7/V/EG).
    ["S2B_MSIL2A_20230701T212529_N0509_R043_T07VEG_20230701T231210", { tile: "07VEG", utmZone: "7" }],
    ["S2A_MSIL1C_20200101T000000_N0208_R001_T01CCV_20200101T000001", { utmZone: "1", latitudeBand: "C" }],
    ["S2A_MSIL1C_20200101T000000_N0208_R143_T60XWA_20200101T000001", { utmZone: "60", orbit: 143 }],
  ])("parses %s", (id, expected) => {
    expect(parseSentinel2SceneId(id)).toMatchObject(expected);
  });

  it.each(["LC08_L1TP_015028_20200814_20200822_01_T1", "RS2_OK1234", "S1A_IW_GRDH_1SDV", "", "s2a_msil2a"])(
    "leaves %j to other sensors (undefined)",
    (id) => {
      expect(parseSentinel2SceneId(id)).toBeUndefined();
    },
  );

  const bad = (fields: Partial<Record<number, string>>): string =>
    L2A.split("_")
      .map((part, i) => fields[i] ?? part)
      .join("_");

  it.each([
    [bad({ 0: "S2D" }), /unknown satellite S2D/],
    [bad({ 1: "MSIL1B" }), /product type MSIL1B is neither MSIL1C nor MSIL2A/],
    [bad({ 2: "20220230T115411" }), /sensing time 20220230T115411 is not a valid/],
    [bad({ 2: "20221005T245411" }), /sensing time 20221005T245411 is not a valid/],
    [bad({ 2: "20140101T000000" }), /sensing time 20140101T000000 is not a valid/],
    [bad({ 6: "20221305T164454" }), /generation time 20221305T164454 is not a valid/],
    [bad({ 6: "20221004T164454" }), /generation time is before the sensing time/],
    [bad({ 3: "N04" }), /processing baseline N04 is not N followed by 4 digits/],
    [bad({ 4: "R000" }), /relative orbit R000 is outside R001-R143/],
    [bad({ 4: "R144" }), /relative orbit R144 is outside R001-R143/],
    [bad({ 4: "23" }), /orbit 23 is not R###/],
    [bad({ 5: "T00UNU" }), /UTM zone 00 of tile T00UNU is outside 01-60/],
    [bad({ 5: "T61UNU" }), /UTM zone 61 of tile T61UNU is outside 01-60/],
    [bad({ 5: "T29INU" }), /latitude band I of tile T29INU is not one of C-X without I and O/],
    [bad({ 5: "T29ONU" }), /latitude band O/],
    [bad({ 5: "T29YNU" }), /latitude band Y/],
    [bad({ 5: "T29UOU" }), /100 km square OU of tile T29UOU is not an MGRS square/],
    [bad({ 5: "T29UNW" }), /100 km square NW/],
    [bad({ 5: "T9UNU" }), /tile T9UNU is not T followed by a two-digit zone and three letters/],
    ["S2A_OPER_PRD_MSIL1C_PDMC_20160112T161231", /old-format \(pre-December 2016\) product name/],
    ["S2A_MSIL2A_20221005T115411", /3 parts separated by _, not 7/],
    [`${L2A}_extra`, /8 parts separated by _, not 7/],
  ])("%s fails naming the fault", (id, message) => {
    expect(() => parseSentinel2SceneId(id)).toThrow(SceneIdError);
    expect(() => parseSentinel2SceneId(id)).toThrow(message);
  });

  it("shows the expected form and an example in every error", () => {
    expect(() => parseSentinel2SceneId("S2A_nonsense")).toThrow(
      /expected S2A\|S2B\|S2C_MSIL1C\|MSIL2A_.*e\.g\. S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454/,
    );
  });
});
