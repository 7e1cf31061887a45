import gdal from "gdal-async";
import path from "node:path";
import { expect } from "vitest";
import type { SyntheticGeometry } from "./synthetic-radarsat2.js";

// The terrain-correction check both radar sensors' job tests make: every sampled output pixel holds the value of
// the source pixel the synthetic RPC model images at that ground point's SRTM height above the EGM96 geoid.

export interface TerrainCheck {
  /** An output band in linear power, warped with nearest neighbour. */
  readonly file: string;
  readonly projection: string;
  readonly srtmDir: string;
  readonly product: {
    readonly geometry: SyntheticGeometry;
    readonly samples: number;
    readonly lines: number;
  };
  /** What each source pixel should give, line by line. */
  readonly expected: ArrayLike<number>;
  /** Decimal digits the ratio to the expected value must match to (default 5: Float32 storage). */
  readonly digits?: number;
}

/** Checks the sampled pixels (expect per pixel); returns how many were checked and how many terrain moved. */
export function checkTerrainCorrected(check: TerrainCheck): { checked: number; shifted: number } {
  const { product, expected } = check;
  const out = readBand(check.file);
  const grid = gdal.SpatialReference.fromUserInput(check.projection);
  const lonLat = gdal.SpatialReference.fromProj4("+proj=longlat +datum=WGS84 +no_defs");
  const toLonLat = new gdal.CoordinateTransformation(grid, lonLat);
  // The geoid's height over the footprint (EGM96): it varies by under a metre there, 0.01 of a sample.
  const geoid =
    new gdal.CoordinateTransformation(
      gdal.SpatialReference.fromUserInput("EPSG:4326+5773"),
      gdal.SpatialReference.fromUserInput("EPSG:4979"),
    ).transformPoint(50.4, 8.65, 0).z ?? NaN;
  expect(geoid).toBeGreaterThan(47);
  expect(geoid).toBeLessThan(50);
  const height = srtmHeight(check.srtmDir);
  const [x0, w, , y0, , h] = out.transform as [number, number, number, number, number, number];
  let checked = 0;
  let shifted = 0;
  for (let row = 2; row < out.size.y - 2; row += 7) {
    for (let col = 2; col < out.size.x - 2; col += 7) {
      const value = out.values[row * out.size.x + col]!;
      if (value === out.nodata) continue;
      const ground = toLonLat.transformPoint(x0 + (col + 0.5) * w, y0 + (row + 0.5) * h);
      const terrain = height(ground.y, ground.x) + geoid;
      const at = product.geometry.toImage(ground.y, ground.x, terrain);
      const flat = product.geometry.toImage(ground.y, ground.x, 0);
      // Too near a source pixel's edge to say which one nearest-neighbour takes.
      const near = (v: number): boolean => Math.abs((v % 1) - 0.5) < 0.1;
      if (near(at.line) || near(at.pixel)) continue;
      const [line, pixel] = [Math.round(at.line), Math.round(at.pixel)];
      if (line < 0 || line >= product.lines || pixel < 0 || pixel >= product.samples) continue;
      expect(value / expected[line * product.samples + pixel]!).toBeCloseTo(1, check.digits ?? 5);
      checked++;
      if (Math.round(flat.pixel) !== pixel) shifted++;
    }
  }
  return { checked, shifted };
}

/** A band's values, nodata, geotransform and size. */
export function readBand(file: string) {
  const ds = gdal.open(file);
  try {
    const band = ds.bands.get(1);
    const { x, y } = ds.rasterSize;
    return {
      values: Float64Array.from(band.pixels.read(0, 0, x, y) as ArrayLike<number>),
      nodata: band.noDataValue,
      transform: ds.geoTransform!,
      size: { x, y },
    };
  } finally {
    ds.close();
  }
}

/** Heights of the SRTM fixture tiles, bilinear between samples as GDAL's RPC transformer reads them. */
export function srtmHeight(srtmDir: string): (lat: number, lon: number) => number {
  const tiles = new Map<string, { values: Int16Array; size: number }>();
  return (lat, lon) => {
    const name = `N${Math.floor(lat)}E${String(Math.floor(lon)).padStart(3, "0")}`;
    let tile = tiles.get(name);
    if (tile === undefined) {
      const ds = gdal.open(path.join(srtmDir, `${name}.hgt`));
      const size = ds.rasterSize.x;
      tile = { values: ds.bands.get(1).pixels.read(0, 0, size, size, new Int16Array(size * size)), size };
      ds.close();
      tiles.set(name, tile);
    }
    const step = 1 / (tile.size - 1);
    const x = (lon - Math.floor(lon)) / step;
    const y = (Math.floor(lat) + 1 - lat) / step;
    const [x0, y0] = [Math.floor(x), Math.floor(y)];
    const at = (i: number, j: number): number => tile.values[j * tile.size + i]!;
    const [fx, fy] = [x - x0, y - y0];
    return (
      at(x0, y0) * (1 - fx) * (1 - fy) +
      at(x0 + 1, y0) * fx * (1 - fy) +
      at(x0, y0 + 1) * (1 - fx) * fy +
      at(x0 + 1, y0 + 1) * fx * fy
    );
  };
}
