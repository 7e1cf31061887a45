import { randomUUID } from "node:crypto";
import gdal from "gdal-async";
import { clipGeometry, type Clip } from "../common/area-of-interest.js";
import type { Extent, Grid } from "./grid.js";

// Cutting a scene to the area of interest: the grid extent that covers the AOI (pixel edges on the grid), and
// the AOI as a cutline file that gdalwarp turns into nodata outside it.

export interface Cutline {
  /** The AOI's bounds in the grid projection, grown to whole grid pixels. */
  readonly extent: Extent;
  /** A /vsimem/ GeoJSON file for gdalwarp -cutline. */
  readonly path: string;
  readonly release: () => void;
}

export function prepareCutline(clip: Clip, grid: Grid): Cutline {
  const geojson = clipGeometry(clip);
  const geometry = gdal.Geometry.fromGeoJson(geojson);
  if (!geometry.isValid())
    throw new Error("the area of interest is not a valid polygon (it may cross itself)");
  // GeoJSON is longitude first: OGC:CRS84.
  geometry.srs = gdal.SpatialReference.fromUserInput("OGC:CRS84");
  geometry.transformTo(gdal.SpatialReference.fromUserInput(grid.projection));
  const envelope = geometry.getEnvelope();
  const r = grid.resolution;
  const extent: Extent = [
    Math.floor(envelope.minX / r) * r,
    Math.floor(envelope.minY / r) * r,
    Math.ceil(envelope.maxX / r) * r,
    Math.ceil(envelope.maxY / r) * r,
  ];
  const path = `/vsimem/agricarta-aoi-${randomUUID()}.geojson`;
  const feature = {
    type: "FeatureCollection",
    features: [{ type: "Feature", properties: {}, geometry: geojson }],
  };
  gdal.vsimem.set(Buffer.from(JSON.stringify(feature), "utf8"), path);
  return { extent, path, release: () => gdal.vsimem.release(path) };
}

/** The part of `a` inside `b`, or undefined when they do not overlap (both on the same grid). */
export function intersectExtents(a: Extent, b: Extent): Extent | undefined {
  const out: Extent = [
    Math.max(a[0], b[0]),
    Math.max(a[1], b[1]),
    Math.min(a[2], b[2]),
    Math.min(a[3], b[3]),
  ];
  return out[2] > out[0] && out[3] > out[1] ? out : undefined;
}
