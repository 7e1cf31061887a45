import gdal from "gdal-async";
import { errorMessage } from "../../common/errors.js";
import type { LonLatBox } from "./srtm-dem.js";

// The EGM96 geoid's height above the WGS 84 ellipsoid (N) over a box, from PROJ's geoid grid: what turns SRTM's
// heights (above the geoid) into the ellipsoidal heights the RPCs want.

/** Heights above the EGM96 geoid: SRTM's vertical reference, with WGS 84 positions. */
export const GEOID_CRS = "EPSG:4326+5773";

/** WGS 84 with ellipsoidal heights. */
export const ELLIPSOID_CRS = "EPSG:4979";

/**
 * Degrees between the nodes at which PROJ is asked for N. PROJ interpolates its 15' EGM96 grid bilinearly, and
 * nodes on multiples of 0.05° split each 15' cell into whole lattice cells, so interpolating the lattice
 * bilinearly gives PROJ's own N at every point, for 1/25 of the calls (about 2 µs each).
 */
export const GEOID_LATTICE_STEP = 0.05;

/** N in metres at a point. */
export type GeoidHeightAt = (lon: number, lat: number) => number;

export interface GeoidHeights {
  /** N at a point of the box (bilinear between the lattice's nodes; clamped to the lattice outside it). */
  at: GeoidHeightAt;
}

/**
 * N on a lattice covering the box, each node from `heightAt` (PROJ's). Throws when N is 0 at every node: PROJ
 * without its geoid grid (egm96_15.gtx, or us_nga_egm96_15.tif of PROJ-data) falls back to a null vertical
 * shift, which would lose 48 m of terrain height over Europe without a word.
 */
export function geoidHeights(box: LonLatBox, heightAt: GeoidHeightAt = projGeoidHeights()): GeoidHeights {
  const west = Math.max(Math.floor(box.west / GEOID_LATTICE_STEP), Math.round(-180 / GEOID_LATTICE_STEP));
  const east = Math.min(Math.ceil(box.east / GEOID_LATTICE_STEP), Math.round(180 / GEOID_LATTICE_STEP));
  const south = Math.max(Math.floor(box.south / GEOID_LATTICE_STEP), Math.round(-90 / GEOID_LATTICE_STEP));
  const north = Math.min(Math.ceil(box.north / GEOID_LATTICE_STEP), Math.round(90 / GEOID_LATTICE_STEP));
  const columns = Math.max(east - west + 1, 2);
  const rows = Math.max(north - south + 1, 2);
  const nodes = new Float64Array(columns * rows);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      const [lon, lat] = [(west + column) * GEOID_LATTICE_STEP, (south + row) * GEOID_LATTICE_STEP];
      nodes[row * columns + column] = heightAt(lon, lat);
    }
  }
  if (nodes.every((n) => n === 0))
    throw new Error(
      `PROJ gives the EGM96 geoid a height of 0 m everywhere in ${JSON.stringify(box)}: its geoid grid ` +
        "(egm96_15.gtx or us_nga_egm96_15.tif) is missing from PROJ's search path (PROJ_DATA)",
    );
  return {
    at(lon, lat) {
      const x = clamp(lon / GEOID_LATTICE_STEP - west, 0, columns - 1);
      const y = clamp(lat / GEOID_LATTICE_STEP - south, 0, rows - 1);
      const [column, row] = [Math.min(Math.floor(x), columns - 2), Math.min(Math.floor(y), rows - 2)];
      const [fx, fy] = [x - column, y - row];
      const i = row * columns + column;
      const southern = nodes[i]! * (1 - fx) + nodes[i + 1]! * fx;
      const northern = nodes[i + columns]! * (1 - fx) + nodes[i + columns + 1]! * fx;
      return southern * (1 - fy) + northern * fy;
    },
  };
}

/** N at a point from PROJ: the ellipsoidal height of a point 0 m above the geoid. */
export function projGeoidHeights(): GeoidHeightAt {
  let toEllipsoid: gdal.CoordinateTransformation;
  try {
    const from = gdal.SpatialReference.fromUserInput(GEOID_CRS);
    toEllipsoid = new gdal.CoordinateTransformation(from, gdal.SpatialReference.fromUserInput(ELLIPSOID_CRS));
  } catch (error) {
    const message = `PROJ cannot convert heights from ${GEOID_CRS} to ${ELLIPSOID_CRS}: ${errorMessage(error)}`;
    throw new Error(message, { cause: error });
  }
  return (lon, lat) => {
    const where = `${lon}° E, ${lat}° N`;
    let z: number | undefined;
    try {
      // gdal-async keeps the EPSG axis order of both CRSs: latitude first.
      z = toEllipsoid.transformPoint(lat, lon, 0).z;
    } catch (error) {
      throw new Error(`PROJ gives no EGM96 geoid height at ${where}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    if (z === undefined || !Number.isFinite(z))
      throw new Error(`PROJ gives no EGM96 geoid height at ${where}`);
    return z;
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
