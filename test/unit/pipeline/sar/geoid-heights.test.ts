import { describe, expect, it } from "vitest";
import { GEOID_LATTICE_STEP, geoidHeights } from "../../../../src/pipeline/sar/geoid-heights.js";

// The geoid lattice's interpolation and its check that PROJ found a geoid grid, with made-up geoids in place of
// PROJ's (which test/integration/pipeline/sar/ellipsoidal-dem.test.ts compares with the real one).

const BOX = { west: 8.27, south: 50.11, east: 9.63, north: 51.02 };

/** Bilinear between nodes every 15' (as PROJ reads egm96_15.gtx), with made-up heights at the nodes. */
function gridGeoid(lon: number, lat: number): number {
  const node = (i: number, j: number): number => 40 + 10 * Math.sin(i * 1.7) + 8 * Math.cos(j * 2.3);
  const [x, y] = [lon / 0.25, lat / 0.25];
  const [i, j] = [Math.floor(x), Math.floor(y)];
  const [fx, fy] = [x - i, y - j];
  const south = node(i, j) * (1 - fx) + node(i + 1, j) * fx;
  const north = node(i, j + 1) * (1 - fx) + node(i + 1, j + 1) * fx;
  return south * (1 - fy) + north * fy;
}

/** Points spread over a box, on no particular grid. */
function pointsIn(box: typeof BOX, count: number): { lon: number; lat: number }[] {
  return Array.from({ length: count }, (_, i) => ({
    lon: box.west + (box.east - box.west) * ((i * 0.618034) % 1),
    lat: box.south + (box.north - box.south) * ((i * 0.414214 + 0.05) % 1),
  }));
}

describe("geoidHeights", () => {
  it("gives exactly a 15' grid's bilinear heights, its nodes being lattice nodes", () => {
    expect(0.25 / GEOID_LATTICE_STEP).toBe(5);
    const geoid = geoidHeights(BOX, gridGeoid);
    for (const { lon, lat } of pointsIn(BOX, 5000))
      expect(geoid.at(lon, lat)).toBeCloseTo(gridGeoid(lon, lat), 9);
  });

  it("asks for heights only on the lattice's nodes over the box, once each", () => {
    const asked: string[] = [];
    geoidHeights(BOX, (lon, lat) => {
      asked.push(`${lon.toFixed(6)} ${lat.toFixed(6)}`);
      return 1;
    });
    expect(new Set(asked).size).toBe(asked.length);
    // 8.25 to 9.65 by 0.05: 29 columns; 50.1 to 51.05: 20 rows.
    expect(asked).toHaveLength(29 * 20);
    expect(asked[0]).toBe("8.250000 50.100000");
    expect(asked.at(-1)).toBe("9.650000 51.050000");
  });

  it("keeps the lattice within the world at the poles and the antimeridian", () => {
    const asked: { lon: number; lat: number }[] = [];
    geoidHeights({ west: 179.98, south: 89.97, east: 180, north: 90 }, (lon, lat) => {
      asked.push({ lon, lat });
      return 1;
    });
    for (const { lon, lat } of asked) {
      expect(lon).toBeLessThanOrEqual(180);
      expect(lat).toBeLessThanOrEqual(90);
    }
  });

  it("throws when the geoid is 0 everywhere: PROJ without its geoid grid", () => {
    expect(() => geoidHeights(BOX, () => 0)).toThrow(/height of 0 m everywhere.*geoid grid.*is missing/);
  });

  it("accepts a geoid that is 0 at some nodes", () => {
    const geoid = geoidHeights(BOX, (lon) => (lon < 9 ? 0 : 2));
    expect(geoid.at(9.5, 50.5)).toBe(2);
  });
});
