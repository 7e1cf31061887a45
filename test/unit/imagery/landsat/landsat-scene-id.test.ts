import { describe, expect, it } from "vitest";
import { parseLandsatSceneId, SceneIdError } from "../../../../src/imagery/landsat/landsat-scene-id.js";

describe("parseLandsatSceneId", () => {
  it.each([
    // Collection 1 Level-1, every processing level and tier
    ["LC08_L1TP_015028_20200814_20200822_01_T1", { path: "015", row: "028", level: "L1TP", collection: 1 }],
    ["LC08_L1GT_017036_20130419_20200913_01_T2", { path: "017", row: "036", level: "L1GT", collection: 1 }],
    ["LC08_L1GS_233248_20150101_20150102_01_RT", { path: "233", row: "248", level: "L1GS", collection: 1 }],
    // Collection 2, Level-1 and Level-2
    ["LC08_L1TP_016037_20170813_20200903_02_T1", { path: "016", row: "037", level: "L1TP", collection: 2 }],
    ["LC08_L2SP_001062_20201031_20201106_02_T2", { path: "001", row: "062", level: "L2SP", collection: 2 }],
    ["LC09_L2SR_042025_20220301_20220303_02_T1", { path: "042", row: "025", level: "L2SR", collection: 2 }],
    ["LC09_L1TP_042026_20211031_20211101_02_T1", { satellite: 9, sensor: "LC" }],
    ["LO08_L1TP_042026_20150101_20150102_01_T1", { sensor: "LO" }],
    ["LT08_L1GT_042026_20150101_20150102_01_T2", { sensor: "LT" }],
  ])("parses the product id %s", (id, expected) => {
    expect(parseLandsatSceneId(id)).toMatchObject({ id, ...expected });
  });

  it("reads the acquisition date and tier of a product id", () => {
    expect(parseLandsatSceneId("LC08_L1TP_015028_20200814_20200822_01_T1")).toEqual({
      id: "LC08_L1TP_015028_20200814_20200822_01_T1",
      sensor: "LC",
      satellite: 8,
      path: "015",
      row: "028",
      acquired: "2020-08-14",
      level: "L1TP",
      collection: 1,
      category: "T1",
    });
  });

  it("parses a pre-collection scene id, day of year to date", () => {
    expect(parseLandsatSceneId("LC80150282020227LGN00")).toEqual({
      id: "LC80150282020227LGN00",
      sensor: "LC",
      satellite: 8,
      path: "015",
      row: "028",
      acquired: "2020-08-14",
      level: null,
      collection: null,
      category: null,
    });
    // Day 366 exists in a leap year only.
    expect(parseLandsatSceneId("LC90420262020366LGN01").acquired).toBe("2020-12-31");
    expect(() => parseLandsatSceneId("LC90420262021366LGN01")).toThrow(/day of year 2021\/366/);
  });

  it.each([
    ["", /not a Landsat 8\/9 scene id/],
    ["LC08_L1TP_015028_20200814_20200822_01", /not a Landsat/], // no tier
    ["LC07_L1TP_015028_20200814_20200822_01_T1", /not a Landsat/], // Landsat 7
    ["LE08_L1TP_015028_20200814_20200822_01_T1", /not a Landsat/], // unknown sensor
    ["LC08_L3TP_015028_20200814_20200822_01_T1", /not a Landsat/], // unknown level
    ["LC08_L1TP_015028_20200814_20200822_03_T1", /not a Landsat/], // collection 3
    ["LC08_L1TP_015028_20200814_20200822_01_T3", /not a Landsat/], // tier 3
    ["lc08_l1tp_015028_20200814_20200822_01_t1", /not a Landsat/], // lower case
    [" LC08_L1TP_015028_20200814_20200822_01_T1", /not a Landsat/],
    ["LC08_L1TP_015028_20200814_20200822_01_T1.tar", /not a Landsat/],
    ["../LC08_L1TP_015028_20200814_20200822_01_T1", /not a Landsat/],
    ["LC08_L1TP_015028_20200814_20200822_01_T1/..", /not a Landsat/],
    ["LC08_L1TP_015028_20200814_20200822_01_T1\u0000", /not a Landsat/],
    ["LC08_L1TP_000028_20200814_20200822_01_T1", /path 000 is outside 001-233/],
    ["LC08_L1TP_234028_20200814_20200822_01_T1", /path 234 is outside/],
    ["LC08_L1TP_015000_20200814_20200822_01_T1", /row 000 is outside 001-248/],
    ["LC08_L1TP_015249_20200814_20200822_01_T1", /row 249 is outside/],
    ["LC08_L1TP_015028_20200231_20200822_01_T1", /acquisition date 20200231 is not a valid date/],
    ["LC08_L1TP_015028_20201301_20201322_01_T1", /acquisition date 20201301/],
    ["LC08_L1TP_015028_20100814_20100822_01_T1", /acquisition date 20100814/], // before Landsat 8
    ["LC08_L1TP_015028_20200814_20200832_01_T1", /processing date 20200832/],
    ["LC08_L1TP_015028_20200814_20200813_01_T1", /processing date is before the acquisition date/],
    ["LC08_L2SP_015028_20200814_20200822_01_T1", /Collection 1 has no L2SP products/],
    ["LC80150282020367LGN00", /day of year 2020\/367/],
    ["LC80150282020000LGN00", /day of year 2020\/0/],
    ["LC82340282020227LGN00", /path 234/],
    ["LC8015028202022LGN00", /not a Landsat/], // one digit short
  ])("refuses %j", (id, message) => {
    expect(() => parseLandsatSceneId(id)).toThrow(SceneIdError);
    expect(() => parseLandsatSceneId(id)).toThrow(message);
  });
});
