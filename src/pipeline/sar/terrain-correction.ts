import { randomUUID } from "node:crypto";
import gdal from "gdal-async";
import { errorMessage } from "../../common/errors.js";
import type { LonLatBox } from "./srtm-dem.js";

// How a radar scene's pixels find the ground, as gdalwarp transformer arguments: its rational functions (RPCs)
// over a DEM of ellipsoidal heights, which is the terrain correction, or the grid of GCPs it carries. The
// footprint says which SRTM tiles the DEM needs.

export type Geolocation =
  | {
      readonly method: "rpc";
      /** A DEM of heights above the WGS 84 ellipsoid, as the RPCs take them (ellipsoidal-dem.ts). */
      readonly dem: string;
      /** Metres above the ellipsoid for a ground point off the DEM. */
      readonly outsideHeight: number;
    }
  | { readonly method: "gcp" };

/**
 * Degrees the footprint grows by on each side, as terrain moves a radar pixel across the ground (mostly east-west,
 * in range): 0.05° is 3.6 km east-west at 50° N, the shift of 2.5 km of relief at 35° incidence.
 */
export const FOOTPRINT_PADDING = 0.05;

/**
 * The gdalwarp arguments that place the scene's pixels on the ground.
 *
 * rpc: the RPC transformer reads the DEM's height at each ground point, bilinear over its samples. The DEM's
 * heights are ellipsoidal already and it has no holes, so no RPC_DEM_SRS: GDAL 3.6 drops that geoid shift in a
 * warp with NUM_THREADS. RPC_DEM_MISSING_VALUE is the height, also above the ellipsoid, of a point off the DEM.
 *
 * gcp: a thin plate spline through the GCPs (-tps). It meets every GCP of the geolocation grid exactly and
 * bends smoothly between them, where a polynomial (-order 1 to 3) fits the whole grid at once and misses the
 * GCPs wherever slant range and the heights in the grid make it not polynomial. Its cost grows with the number
 * of GCPs cubed: nothing for the few hundred of a radar geolocation grid.
 */
export function transformerArguments(geolocation: Geolocation): string[] {
  if (geolocation.method === "gcp") return ["-tps"];
  return [
    ["-rpc"],
    ["-to", `RPC_DEM=${geolocation.dem}`],
    ["-to", `RPC_DEM_MISSING_VALUE=${geolocation.outsideHeight}`],
    ["-to", "RPC_DEMINTERPOLATION=bilinear"],
  ].flat();
}

/**
 * The longitudes and latitudes a scene with RPCs or GCPs covers, padded by {@link FOOTPRINT_PADDING}: where a
 * warp to EPSG:4326 would put its edges, the RPCs taken at their own mean height (HEIGHT_OFF), without a DEM.
 */
export async function footprintOf(file: string): Promise<LonLatBox> {
  const virtual = `/vsimem/agricarta-footprint-${randomUUID()}.vrt`;
  const scene = await gdal.openAsync(file).catch((error: unknown) => {
    throw new Error(`cannot open ${file}: ${errorMessage(error)}`, { cause: error });
  });
  try {
    const args = ["-of", "VRT", "-t_srs", "EPSG:4326", ...footprintTransformer(scene, file)];
    const placed = await gdal.warpAsync(virtual, null, [scene], args).catch((error: unknown) => {
      throw new Error(`cannot place ${file} on the ground: ${errorMessage(error)}`, { cause: error });
    });
    try {
      const [west, width, , north, , height] = placed.geoTransform as GeoTransform;
      const east = west + width * placed.rasterSize.x;
      const south = north + height * placed.rasterSize.y;
      return {
        west: west - FOOTPRINT_PADDING,
        south: south - FOOTPRINT_PADDING,
        east: east + FOOTPRINT_PADDING,
        north: north + FOOTPRINT_PADDING,
      };
    } finally {
      placed.close();
    }
  } finally {
    scene.close();
    releaseQuietly(virtual);
  }
}

type GeoTransform = [number, number, number, number, number, number];

/** The transformer for the footprint: the RPCs when the scene has them, else its GCPs. */
function footprintTransformer(scene: gdal.Dataset, file: string): string[] {
  const rpc = scene.getMetadata("RPC") as Record<string, string | undefined>;
  if (rpc.HEIGHT_OFF !== undefined) return ["-rpc", "-to", `RPC_HEIGHT=${rpc.HEIGHT_OFF}`];
  if (scene.getGCPs().length > 0) return ["-tps"];
  throw new Error(`cannot find the footprint of ${file}: it has neither RPCs nor GCPs`);
}

function releaseQuietly(path: string): void {
  try {
    gdal.vsimem.release(path);
  } catch {
    // never written
  }
}
