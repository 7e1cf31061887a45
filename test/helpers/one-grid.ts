import gdal from "gdal-async";
import { expect } from "vitest";

// The promise every job keeps, whatever its sensors: its rasters share one projection, one pixel size and
// pixel edges on multiples of it (gdalwarp -tap).

export function expectOneGrid(files: readonly string[], resolution: number): void {
  const grids = files.map((file) => {
    const ds = gdal.open(file);
    try {
      return { wkt: ds.srs!.toWKT(), transform: ds.geoTransform! };
    } finally {
      ds.close();
    }
  });
  expect(grids.length).toBeGreaterThan(1);
  for (const { wkt, transform } of grids) {
    expect(wkt).toBe(grids[0]!.wkt);
    expect([transform[1], transform[5]]).toEqual([resolution, -resolution]);
    expect(Number.isInteger(transform[0]! / resolution), `x origin ${transform[0]}`).toBe(true);
    expect(Number.isInteger(transform[3]! / resolution), `y origin ${transform[3]}`).toBe(true);
  }
}
