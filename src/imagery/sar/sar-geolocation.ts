import path from "node:path";
import type { Georeferencing } from "../../pipeline/sar/calibrate-and-filter.js";
import { ellipsoidalDem } from "../../pipeline/sar/ellipsoidal-dem.js";
import { ELLIPSOID_CRS, GEOID_CRS } from "../../pipeline/sar/geoid-heights.js";
import { SRTM_FALLBACK_HEIGHT, type LonLatBox } from "../../pipeline/sar/srtm-dem.js";
import { FOOTPRINT_PADDING, transformerArguments } from "../../pipeline/sar/terrain-correction.js";

// How a radar scene is put on the ground, shared by RADARSAT-2 and RCM: its rational functions over the SRTM DEM
// (terrain correction), or, for a product without them, its tie-point grid with a warning. What was used goes
// into the scene's provenance, and anything a user should know (tiles missing) into its notes.

export interface TiePointLike {
  readonly lat: number;
  readonly lon: number;
}

/** A tie point of a product's geolocation grid: image coordinates counted from the first pixel's centre. */
export interface TiePoint extends TiePointLike {
  readonly line: number;
  readonly pixel: number;
  /** Metres above the ellipsoid. */
  readonly height: number;
}

/**
 * The geolocation grid as GDAL's GCPs. Tie points count from the first pixel's centre, so 0.5 is added, as
 * GDAL's RS2 driver does (GDAL 3.11's RCM driver does not; the RCM specification counts from the centre too).
 */
export function tiePointGcps(points: readonly TiePoint[]): NonNullable<Georeferencing["gcps"]> {
  return {
    srs: "EPSG:4326",
    gcps: points.map((point) => ({
      dfGCPPixel: point.pixel + 0.5,
      dfGCPLine: point.line + 0.5,
      dfGCPX: point.lon,
      dfGCPY: point.lat,
      dfGCPZ: point.height,
    })),
  };
}

export interface SarGeolocation {
  /** gdalwarp transformer arguments for the band plans. */
  readonly transformer: readonly string[];
  /** For the scene's metadata and STAC Item. */
  readonly provenance: Readonly<Record<string, unknown>>;
  /** What the scene's message and the job log should say (DEM tiles missing, no RPCs). */
  readonly notes: readonly string[];
}

/** The tie points' bounding box, grown by the terrain padding. */
export function tiePointBox(points: readonly TiePointLike[]): LonLatBox {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  return {
    west: Math.max(-180, Math.min(...lons) - FOOTPRINT_PADDING),
    south: Math.max(-90, Math.min(...lats) - FOOTPRINT_PADDING),
    east: Math.min(180, Math.max(...lons) + FOOTPRINT_PADDING),
    north: Math.min(90, Math.max(...lats) + FOOTPRINT_PADDING),
  };
}

/**
 * The geolocation of a scene with RPCs: a DEM of ellipsoidal heights from the SRTM tiles under its tie points,
 * written as dem.tif in the scene's scratch folder (the worker removes the folder once the scene is done).
 */
export async function rpcGeolocation(
  srtmDir: string,
  box: LonLatBox,
  scratchDir: string,
): Promise<SarGeolocation> {
  const { dem, tiles, missing, outsideHeight } = await ellipsoidalDem(
    srtmDir,
    box,
    path.join(scratchDir, "dem.tif"),
  );
  const notes =
    missing.length === 0
      ? []
      : [
          `no SRTM tile for ${missing.join(", ")} in SRTM_DIR: terrain there taken at ` +
            `${SRTM_FALLBACK_HEIGHT} m above the geoid`,
        ];
  return {
    transformer: transformerArguments({ method: "rpc", dem, outsideHeight }),
    provenance: {
      geolocation: "rpc",
      terrainCorrection: {
        dem: "SRTM",
        tiles,
        missingTiles: missing,
        verticalDatum:
          `EGM96 geoid heights (${GEOID_CRS}), converted to the WGS 84 ellipsoid (${ELLIPSOID_CRS}) ` +
          "when the DEM was made",
        fallbackHeight: SRTM_FALLBACK_HEIGHT,
      },
    },
    notes,
  };
}

/** A product without rational functions: placed by its tie-point grid, without terrain correction. */
export function gcpGeolocation(): SarGeolocation {
  return {
    transformer: transformerArguments({ method: "gcp" }),
    provenance: { geolocation: "gcp", terrainCorrection: null },
    notes: [
      "the product has no rational functions: placed by its tie-point grid (thin plate spline), " +
        "without terrain correction",
    ],
  };
}
