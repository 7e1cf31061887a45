import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { errorMessage } from "../../common/errors.js";

// The SRTM heights under a radar scene: which of the 1° tiles over its footprint SRTM_DIR holds and which it
// lacks, and the ones it holds as one virtual mosaic, read by the ellipsoidal DEM (ellipsoidal-dem.ts).

/** A box in degrees of longitude and latitude (WGS 84); west <= east (one across the antimeridian is refused). */
export interface LonLatBox {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

/** Where an SRTM tile has no height; also the mosaic's value between tiles. */
export const SRTM_NODATA = -32768;

/**
 * The height, in metres above the EGM96 geoid like SRTM's own, taken where neither a tile nor a sample covers a
 * point. SRTM publishes a tile for every 1° cell with land between 56° S and 60° N, so a cell without one there
 * is open sea, whose surface is the geoid: 0 m is then the true height. Beyond 60° N and 56° S there is no SRTM
 * at all and 0 m is only a guess; the `missing` tiles of {@link findSrtmTiles} say where that happened.
 */
export const SRTM_FALLBACK_HEIGHT = 0;

export interface SrtmTile {
  /** e.g. N50E008 */
  readonly name: string;
  readonly file: string;
}

export interface SrtmTiles {
  /** The tiles over the box that SRTM_DIR holds, in the order of {@link srtmTileNames}. */
  readonly found: readonly SrtmTile[];
  /** The names of those it lacks. */
  readonly missing: readonly string[];
}

/** An open mosaic of SRTM tiles, in GDAL's memory filesystem until closed. */
export interface SrtmMosaic {
  readonly dataset: gdal.Dataset;
  close(): void;
}

/**
 * The names of the 1° SRTM tiles that cover a box, each named by its south-west corner (N50E008, S01W072),
 * south to north then west to east. A box edge on a whole degree takes no tile beyond it: a tile's last row and
 * column lie on the next degree.
 */
export function srtmTileNames(box: LonLatBox): string[] {
  const { west, south, east, north } = box;
  if (![west, south, east, north].every(Number.isFinite) || west > east || south > north)
    throw new Error(
      `cannot name the SRTM tiles of ${JSON.stringify(box)}: not a box with west <= east and south <= north`,
    );
  const latitudes = degreesCovered(south, north, -90, 89);
  const longitudes = degreesCovered(west, east, -180, 179);
  return latitudes.flatMap((lat) => longitudes.map((lon) => tileName(lat, lon)));
}

/**
 * The tiles over the box that `srtmDir` holds, as N50E008.hgt or N50E008.hgt.zip (GDAL reads the zip in place),
 * and the names of those it lacks.
 */
export async function findSrtmTiles(srtmDir: string, box: LonLatBox): Promise<SrtmTiles> {
  const needed = srtmTileNames(box);
  const held = await listTiles(srtmDir);
  const found = needed.flatMap((name) => {
    const file = tileFile(held, name);
    return file === undefined ? [] : [{ name, file: path.join(srtmDir, file) }];
  });
  const missing = needed.filter((name) => !found.some((tile) => tile.name === name));
  return { found, missing };
}

/**
 * Opens the tiles (at least one) as one virtual mosaic at the finest of their resolutions, -32768 where no
 * tile has a height. Throws, naming the file, on a tile GDAL cannot read: a broken tile must not pass for a
 * missing one.
 */
export async function openSrtmMosaic(tiles: readonly SrtmTile[]): Promise<SrtmMosaic> {
  const virtual = `/vsimem/agricarta-srtm-${randomUUID()}.vrt`;
  try {
    await writeMosaic(virtual, tiles);
    const dataset = await gdal.openAsync(virtual);
    return {
      dataset,
      close() {
        dataset.close();
        releaseQuietly(virtual);
      },
    };
  } catch (error) {
    releaseQuietly(virtual);
    throw error;
  }
}

async function writeMosaic(virtual: string, tiles: readonly SrtmTile[]): Promise<void> {
  const sources: gdal.Dataset[] = [];
  try {
    for (const tile of tiles) sources.push(await openTile(tile.file));
    const nodata = String(SRTM_NODATA);
    const options = ["-resolution", "highest", "-srcnodata", nodata, "-vrtnodata", nodata];
    const mosaic = await gdal.buildVRTAsync(virtual, sources, options).catch((error: unknown) => {
      const names = tiles.map((tile) => tile.name).join(", ");
      throw new Error(`cannot mosaic the SRTM tiles ${names}: ${errorMessage(error)}`, { cause: error });
    });
    mosaic.close();
  } finally {
    for (const source of sources) source.close();
  }
}

/** The whole degrees whose 1° cells meet [from, to], within the range SRTM tiles are named in. */
function degreesCovered(from: number, to: number, min: number, max: number): number[] {
  const first = Math.min(Math.max(Math.floor(from), min), max);
  const last = Math.min(Math.max(Math.ceil(to) - 1, first), max);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

function tileName(lat: number, lon: number): string {
  const latitude = `${lat < 0 ? "S" : "N"}${String(Math.abs(lat)).padStart(2, "0")}`;
  return `${latitude}${lon < 0 ? "W" : "E"}${String(Math.abs(lon)).padStart(3, "0")}`;
}

/** The file name of a tile in SRTM_DIR: the plain .hgt when both are there. */
function tileFile(held: ReadonlySet<string>, name: string): string | undefined {
  return [`${name}.hgt`, `${name}.hgt.zip`].find((file) => held.has(file));
}

async function listTiles(srtmDir: string): Promise<Set<string>> {
  try {
    return new Set(await fs.readdir(srtmDir));
  } catch (error) {
    throw new Error(`cannot list the SRTM tiles in ${srtmDir}: ${errorMessage(error)}`, { cause: error });
  }
}

async function openTile(file: string): Promise<gdal.Dataset> {
  try {
    return await gdal.openAsync(file);
  } catch (error) {
    throw new Error(`cannot read the SRTM tile ${file}: ${errorMessage(error)}`, { cause: error });
  }
}

function releaseQuietly(file: string): void {
  try {
    gdal.vsimem.release(file);
  } catch {
    // never written
  }
}
