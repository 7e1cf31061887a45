import fs from "node:fs/promises";
import gdal from "gdal-async";
import { errorMessage } from "../../common/errors.js";
import { geoidHeights, type GeoidHeights } from "./geoid-heights.js";
import {
  findSrtmTiles,
  openSrtmMosaic,
  SRTM_FALLBACK_HEIGHT,
  SRTM_NODATA,
  type LonLatBox,
  type SrtmMosaic,
} from "./srtm-dem.js";

// The DEM a radar scene's RPCs are warped over: SRTM's heights under its footprint with the EGM96 geoid's height
// added, so that they are above the WGS 84 ellipsoid as the RPCs want. GDAL could add the geoid itself
// (RPC_DEM_SRS), but 3.6 loses it in a warp with NUM_THREADS (each thread's copy of the transformer drops it),
// and it costs a PROJ call at every ground point the warp looks at: here it is added once per DEM sample.

export interface EllipsoidalDem {
  /** The GeoTIFF written (the caller's `target`). */
  readonly dem: string;
  /** The SRTM tiles in it, e.g. N50E008. */
  readonly tiles: readonly string[];
  /** The tiles the box needs that SRTM_DIR does not hold: the fallback height there. */
  readonly missing: readonly string[];
  /**
   * Metres above the ellipsoid for a point off the DEM (outside the box): the fallback height plus the geoid's
   * height at the box's centre.
   */
  readonly outsideHeight: number;
}

/** SRTM's own sampling (3 arc-seconds), used when SRTM_DIR holds none of the tiles. */
const SAMPLES_PER_DEGREE = 1200;

/** Rows written at a time, and the GeoTIFF's tile size: a 1 M-sample block for a 4000-sample-wide box. */
const BLOCK_ROWS = 256;

/**
 * Writes at `target` (a .tif path the caller owns) a Float32 GeoTIFF of heights above the WGS 84 ellipsoid over
 * the box: on the SRTM tiles' own grid (no resampling of SRTM), one sample beyond the box on each side, each
 * the SRTM height plus the EGM96 geoid's height N there, or, where SRTM has none (a tile SRTM_DIR lacks, a
 * hole in a tile), `fallbackHeight` (metres above the geoid) plus N. It has no nodata, and is written a block of
 * rows at a time: a 30-tile footprint is 50 M samples. Throws, naming the file, on a tile GDAL cannot read, and
 * when PROJ has no geoid grid.
 */
export async function ellipsoidalDem(
  srtmDir: string,
  box: LonLatBox,
  target: string,
  fallbackHeight = SRTM_FALLBACK_HEIGHT,
): Promise<EllipsoidalDem> {
  const { found, missing } = await findSrtmTiles(srtmDir, box);
  const mosaic = found.length === 0 ? undefined : await openSrtmMosaic(found);
  try {
    const grid = demGrid(box, mosaic === undefined ? SAMPLES_PER_DEGREE : samplesPerDegree(mosaic));
    const geoid = geoidHeights(gridBox(grid));
    await writeDem(target, grid, mosaic, geoid, fallbackHeight).catch(async (error: unknown) => {
      await fs.rm(target, { force: true });
      throw new Error(`cannot write the DEM ${target}: ${errorMessage(error)}`, { cause: error });
    });
    const centre = geoid.at((box.west + box.east) / 2, (box.south + box.north) / 2);
    return {
      dem: target,
      tiles: found.map((tile) => tile.name),
      missing,
      outsideHeight: fallbackHeight + centre,
    };
  } finally {
    mosaic?.close();
  }
}

/**
 * Samples on a lattice of 1/perDegree degrees, numbered from 0° (column c at c / perDegree degrees east, row r
 * at r / perDegree degrees north), as SRTM tiles place theirs: west to east columns, north to south rows.
 */
interface DemGrid {
  readonly perDegree: number;
  readonly west: number;
  readonly north: number;
  readonly columns: number;
  readonly rows: number;
}

/** The box the grid's sample centres span. */
function gridBox(grid: DemGrid): LonLatBox {
  const [west, north] = [grid.west / grid.perDegree, grid.north / grid.perDegree];
  const step = 1 / grid.perDegree;
  return { west, north, east: west + (grid.columns - 1) * step, south: north - (grid.rows - 1) * step };
}

function demGrid(box: LonLatBox, perDegree: number): DemGrid {
  const west = Math.max(Math.floor(box.west * perDegree) - 1, -180 * perDegree);
  const east = Math.min(Math.ceil(box.east * perDegree) + 1, 180 * perDegree);
  const south = Math.max(Math.floor(box.south * perDegree) - 1, -90 * perDegree);
  const north = Math.min(Math.ceil(box.north * perDegree) + 1, 90 * perDegree);
  return { perDegree, west, north, columns: east - west + 1, rows: north - south + 1 };
}

/** The mosaic's samples per degree; throws when its samples are not on that lattice. */
function samplesPerDegree(mosaic: SrtmMosaic): number {
  const [x0, dx, , y0, , dy] = mosaic.dataset.geoTransform as GeoTransform;
  const perDegree = Math.round(1 / dx);
  const onLattice = (v: number): boolean => Math.abs(v * perDegree - Math.round(v * perDegree)) < 1e-6;
  if (
    Math.abs(dx * perDegree - 1) > 1e-9 ||
    Math.abs(dy + dx) > 1e-12 ||
    !onLattice(x0 + dx / 2) ||
    !onLattice(y0 + dy / 2)
  )
    throw new Error(
      `the SRTM tiles are not sampled on a whole number of samples per degree (${dx}°, ${dy}°)`,
    );
  return perDegree;
}

type GeoTransform = [number, number, number, number, number, number];

async function writeDem(
  target: string,
  grid: DemGrid,
  mosaic: SrtmMosaic | undefined,
  geoid: GeoidHeights,
  fallbackHeight: number,
): Promise<void> {
  const options = ["TILED=YES", `BLOCKXSIZE=${BLOCK_ROWS}`, `BLOCKYSIZE=${BLOCK_ROWS}`, "BIGTIFF=IF_SAFER"];
  const dem = await gdal.openAsync(
    target,
    "w",
    "GTiff",
    grid.columns,
    grid.rows,
    1,
    gdal.GDT_Float32,
    options,
  );
  try {
    const step = 1 / grid.perDegree;
    dem.geoTransform = [(grid.west - 0.5) * step, step, 0, (grid.north + 0.5) * step, 0, -step];
    dem.srs = gdal.SpatialReference.fromEPSG(4326);
    dem.setMetadata({
      HEIGHTS:
        "metres above the WGS 84 ellipsoid: SRTM (above the EGM96 geoid) plus the geoid's height; " +
        `${fallbackHeight} m above the geoid where SRTM has none`,
    });
    const band = dem.bands.get(1);
    for (let top = 0; top < grid.rows; top += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, grid.rows - top);
      const heights = await readSrtmRows(mosaic, grid, top, rows);
      for (let row = 0; row < rows; row++) {
        const lat = (grid.north - top - row) * step;
        for (let column = 0; column < grid.columns; column++) {
          const i = row * grid.columns + column;
          const srtm = heights[i]!;
          heights[i] =
            (srtm === SRTM_NODATA ? fallbackHeight : srtm) + geoid.at((grid.west + column) * step, lat);
        }
      }
      await band.pixels.writeAsync(0, top, grid.columns, rows, heights);
    }
    await dem.flushAsync();
  } finally {
    dem.close();
  }
}

/** SRTM's heights for a block of the grid's rows, SRTM_NODATA where it has none (off the mosaic included). */
async function readSrtmRows(
  mosaic: SrtmMosaic | undefined,
  grid: DemGrid,
  top: number,
  rows: number,
): Promise<Float32Array> {
  const heights = new Float32Array(grid.columns * rows).fill(SRTM_NODATA);
  if (mosaic === undefined) return heights;
  const [x0, dx, , y0] = mosaic.dataset.geoTransform as GeoTransform;
  const size = mosaic.dataset.rasterSize;
  // The mosaic's first sample on the grid's numbering (its pixels are square: dy = -dx).
  const [mosaicWest, mosaicNorth] = [Math.round(x0 / dx + 0.5), Math.round(y0 / dx - 0.5)];
  const [first, last] = [
    Math.max(grid.west, mosaicWest),
    Math.min(grid.west + grid.columns, mosaicWest + size.x),
  ];
  const firstRow = Math.max(top, grid.north - mosaicNorth);
  const lastRow = Math.min(top + rows, grid.north - mosaicNorth + size.y);
  if (first >= last || firstRow >= lastRow) return heights;
  const width = last - first;
  const window = await mosaic.dataset.bands
    .get(1)
    .pixels.readAsync(
      first - mosaicWest,
      firstRow - (grid.north - mosaicNorth),
      width,
      lastRow - firstRow,
      new Float32Array(width * (lastRow - firstRow)),
    );
  for (let row = firstRow; row < lastRow; row++) {
    const from = (row - firstRow) * width;
    heights.set(window.subarray(from, from + width), (row - top) * grid.columns + (first - grid.west));
  }
  return heights;
}
