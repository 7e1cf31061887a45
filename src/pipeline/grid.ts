import { randomUUID } from "node:crypto";
import gdal from "gdal-async";

// The job's pixel grid: the site projection at the requested resolution, with pixel edges on multiples of the
// resolution (the seed's align_origin), so every band of every scene of every job lines up.

export interface Grid {
  /** PROJ string, WKT or EPSG:n. */
  readonly projection: string;
  /** Pixel size in projection units (metres). */
  readonly resolution: number;
}

/** xmin, ymin, xmax, ymax in the grid's projection, on pixel edges. */
export type Extent = readonly [number, number, number, number];

/**
 * Where a raster lands in the grid's projection (its full extent, before snapping). A source without a
 * geotransform (radar) lands where its transformer (gdalwarp arguments: RPCs with a DEM, or GCPs) puts it.
 */
export function projectedExtent(file: string, grid: Grid, transformer: readonly string[] = []): Extent {
  if (transformer.length > 0) return transformedExtent(file, grid, transformer);
  const ds = gdal.open(file);
  try {
    if (ds.srs === null) throw new Error(`${file} has no spatial reference`);
    const out = gdal.suggestedWarpOutput({
      src: ds,
      s_srs: ds.srs,
      t_srs: gdal.SpatialReference.fromUserInput(grid.projection),
    });
    const [x0, w, , y0, , h] = out.geoTransform as [number, number, number, number, number, number];
    const x1 = x0 + w * out.rasterSize.x;
    const y1 = y0 + h * out.rasterSize.y;
    return [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
  } finally {
    ds.close();
  }
}

/** gdalwarp's own choice of output extent, with the transformer, read from a virtual warp (no pixel is read). */
function transformedExtent(file: string, grid: Grid, transformer: readonly string[]): Extent {
  const virtual = `/vsimem/agricarta-extent-${randomUUID()}.vrt`;
  const ds = gdal.open(file);
  try {
    const res = String(grid.resolution);
    const out = gdal.warp(
      virtual,
      null,
      [ds],
      [...["-of", "VRT", "-t_srs", grid.projection, "-tr", res, res], ...transformer],
    );
    try {
      const [x0, w, , y0, , h] = out.geoTransform as [number, number, number, number, number, number];
      const x1 = x0 + w * out.rasterSize.x;
      const y1 = y0 + h * out.rasterSize.y;
      return [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
    } finally {
      out.close();
    }
  } finally {
    ds.close();
    try {
      gdal.vsimem.release(virtual);
    } catch {
      // a VRT warp may keep its XML in memory only
    }
  }
}

/**
 * The extent every band of a scene shares: the intersection of their extents, shrunk to whole grid pixels so
 * that no output pixel reaches beyond any band. Undefined when the bands do not overlap.
 */
export function commonExtent(extents: readonly Extent[], resolution: number): Extent | undefined {
  if (extents.length === 0) return undefined;
  const xmin = Math.max(...extents.map((e) => e[0]));
  const ymin = Math.max(...extents.map((e) => e[1]));
  const xmax = Math.min(...extents.map((e) => e[2]));
  const ymax = Math.min(...extents.map((e) => e[3]));
  const snapped: Extent = [
    Math.ceil(xmin / resolution) * resolution,
    Math.ceil(ymin / resolution) * resolution,
    Math.floor(xmax / resolution) * resolution,
    Math.floor(ymax / resolution) * resolution,
  ];
  return snapped[2] > snapped[0] && snapped[3] > snapped[1] ? snapped : undefined;
}

/** The smallest grid-aligned extent that covers every one of the extents. */
export function coveringExtent(extents: readonly Extent[], resolution: number): Extent {
  return [
    Math.floor(Math.min(...extents.map((e) => e[0])) / resolution) * resolution,
    Math.floor(Math.min(...extents.map((e) => e[1])) / resolution) * resolution,
    Math.ceil(Math.max(...extents.map((e) => e[2])) / resolution) * resolution,
    Math.ceil(Math.max(...extents.map((e) => e[3])) / resolution) * resolution,
  ];
}
