import { describe, expect, it } from "vitest";
import { srtmTileNames } from "../../../../src/pipeline/sar/srtm-dem.js";

// Which 1° SRTM tiles a footprint needs: names by the south-west corner, both hemispheres, boxes on tile edges.
// The DEM made from the tiles (GDAL) is tested in test/integration/pipeline/sar/ellipsoidal-dem.test.ts.

describe("srtmTileNames", () => {
  it("names the one tile under a box inside it", () => {
    expect(srtmTileNames({ west: 8.3, south: 50.2, east: 8.9, north: 50.6 })).toEqual(["N50E008"]);
  });

  it("names every tile a box spans, south to north then west to east", () => {
    expect(srtmTileNames({ west: 8.25, south: 50.65, east: 9.05, north: 51.15 })).toEqual([
      "N50E008",
      "N50E009",
      "N51E008",
      "N51E009",
    ]);
  });

  it("names southern and western tiles by their south-west corner, with zero padding", () => {
    expect(srtmTileNames({ west: -71.5, south: -0.5, east: -71.2, north: -0.2 })).toEqual(["S01W072"]);
    expect(srtmTileNames({ west: -5.5, south: -12.5, east: -5.2, north: -12.2 })).toEqual(["S13W006"]);
    expect(srtmTileNames({ west: 120.1, south: 9.5, east: 120.2, north: 9.6 })).toEqual(["N09E120"]);
  });

  it("takes the four tiles around the equator and the prime meridian", () => {
    expect(srtmTileNames({ west: -0.5, south: -0.5, east: 0.5, north: 0.5 })).toEqual([
      "S01W001",
      "S01E000",
      "N00W001",
      "N00E000",
    ]);
  });

  it("takes no tile beyond a box edge on a whole degree", () => {
    expect(srtmTileNames({ west: 8, south: 50, east: 9, north: 51 })).toEqual(["N50E008"]);
    expect(srtmTileNames({ west: 8.3, south: 50.2, east: 9, north: 50.6 })).toEqual(["N50E008"]);
    expect(srtmTileNames({ west: -72, south: -1, east: -71.5, north: -0.5 })).toEqual(["S01W072"]);
    expect(srtmTileNames({ west: -1, south: -1, east: 0, north: 0 })).toEqual(["S01W001"]);
  });

  it("takes the tile north-east of a point on a corner", () => {
    expect(srtmTileNames({ west: 9, south: 51, east: 9, north: 51 })).toEqual(["N51E009"]);
  });

  it("stays within the named range at the poles and the antimeridian", () => {
    expect(srtmTileNames({ west: 179.5, south: 89.5, east: 180, north: 90 })).toEqual(["N89E179"]);
    expect(srtmTileNames({ west: -180, south: -90, east: -179.5, north: -89.5 })).toEqual(["S90W180"]);
  });

  it("refuses a box that is not one, naming it", () => {
    expect(() => srtmTileNames({ west: 9, south: 50, east: 8, north: 51 })).toThrow(/"west":9.*west <= east/);
    expect(() => srtmTileNames({ west: 8, south: 51, east: 9, north: 50 })).toThrow(
      /cannot name the SRTM tiles/,
    );
    expect(() => srtmTileNames({ west: Number.NaN, south: 50, east: 9, north: 51 })).toThrow(/SRTM tiles/);
  });
});
