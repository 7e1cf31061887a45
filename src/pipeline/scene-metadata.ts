import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import type { SceneProduct } from "../common/products.js";
import { writeFileAtomic } from "../common/atomic-write.js";
import type { Grid } from "./grid.js";
import type { SceneOutput } from "./scene-output.js";
import { stacItem, type EoBand, type StacAssetInput } from "./stac-item.js";

// Per processed scene: output/metadata/<scene_id>.json (what was made, from what, how) and a STAC Item
// (<scene_id>.stac.json) that catalogues and notebooks can read.

/** What the metadata and STAC Item say of the scene itself: the sensor's part of a scene's plan. */
export interface SceneDescription {
  readonly productId: string;
  readonly processingLevel: string;
  /** ISO 8601 acquisition time. */
  readonly acquiredAt: string;
  /** STAC platform and instruments ("landsat-8", ["oli", "tirs"]). */
  readonly platform: string;
  readonly instruments: readonly string[];
  /** Each band's eo description, by band name; radar bands have none. */
  readonly eoBands: Readonly<Record<string, EoBand>>;
  /** The sensor's facts for the metadata JSON, after the acquisition time (sunElevation, cloudCover...). */
  readonly facts: Readonly<Record<string, unknown>>;
  /** The sensor's STAC Item properties (view:sun_elevation, eo:cloud_cover, grid:code...). */
  readonly stacProperties: Readonly<Record<string, unknown>>;
  /** Schema URLs of the STAC extensions those properties belong to. */
  readonly stacExtensions: readonly string[];
  /** What the sensor did beyond the bands' conversions (harmonisation, each band's source resolution...). */
  readonly provenance: Readonly<Record<string, unknown>>;
}

export interface SceneMetadataInput {
  readonly jobId: string;
  readonly sceneId: string;
  readonly metadata: SceneDescription;
  readonly product: SceneProduct;
  readonly grid: Grid;
  /** output/preprocess and output/metadata of the job. */
  readonly outputRoot: string;
  readonly metadataRoot: string;
  readonly outputs: readonly SceneOutput[];
}

/** Returns the two files written, relative to metadataRoot's parent (the job's output/ folder). */
export async function writeSceneMetadata(input: SceneMetadataInput): Promise<string[]> {
  await fs.mkdir(input.metadataRoot, { recursive: true });
  const assets: StacAssetInput[] = [];
  const bands = [];
  let footprint: [number, number][] = [];
  let wkt2 = "";
  let epsg: number | null = null;
  for (const output of input.outputs) {
    const file = path.join(input.outputRoot, output.file);
    const raster = describeRaster(file);
    footprint = raster.footprint;
    wkt2 = raster.wkt2;
    epsg = raster.epsg;
    const { conversion } = output;
    const checksum = await sha256Multihash(file);
    const size = (await fs.stat(file)).size;
    assets.push({
      band: output.band,
      eo: input.metadata.eoBands[output.band],
      href: path.relative(input.metadataRoot, file),
      title: conversion.description,
      dataType: raster.dataType,
      nodata: conversion.nodata,
      scale: conversion.unscale?.scale,
      offset: conversion.unscale?.offset,
      unit: conversion.units,
      resolution: input.grid.resolution,
      shape: raster.shape,
      transform: raster.transform,
      checksum,
      size,
    });
    bands.push({
      band: output.band,
      file: path.join("preprocess", output.file),
      quantity: conversion.quantity,
      description: conversion.description,
      units: conversion.units,
      dataType: raster.dataType,
      nodata: conversion.nodata,
      conversion: conversion.linear ?? null,
      unscale: conversion.unscale ?? null,
      shape: raster.shape,
      geoTransform: raster.transform,
      sha256: checksum.slice(4),
      bytes: size,
      gdalArguments: output.gdalArguments,
    });
  }
  const provenance = {
    jobId: input.jobId,
    inputs: [input.sceneId],
    ...input.metadata.provenance,
    gdalVersion: gdal.version,
    /** Per band: the exact gdalwarp and gdal_translate (COG) arguments. */
    gdalArguments: Object.fromEntries(input.outputs.map((o) => [o.band, o.gdalArguments])),
  };
  const document = {
    sceneId: input.sceneId,
    productId: input.metadata.productId,
    processingLevel: input.metadata.processingLevel,
    acquired: input.metadata.acquiredAt,
    ...input.metadata.facts,
    product: input.product,
    grid: { projection: input.grid.projection, resolution: input.grid.resolution },
    bands,
    provenance,
  };
  const item = stacItem({
    id: input.sceneId,
    datetime: input.metadata.acquiredAt,
    ring: footprint,
    projectionWkt2: wkt2,
    epsg,
    platform: input.metadata.platform,
    instruments: input.metadata.instruments,
    extensions: input.metadata.stacExtensions,
    properties: {
      ...input.metadata.stacProperties,
      "processing:level": input.metadata.processingLevel,
      "agricarta:product": input.product,
      "agricarta:provenance": provenance,
    },
    assets,
  });
  const json = path.join(input.metadataRoot, `${input.sceneId}.json`);
  const stac = path.join(input.metadataRoot, `${input.sceneId}.stac.json`);
  await writeFileAtomic(json, `${JSON.stringify(document, null, 2)}\n`);
  await writeFileAtomic(stac, `${JSON.stringify(item, null, 2)}\n`);
  const base = path.dirname(input.metadataRoot);
  return [path.relative(base, json), path.relative(base, stac)];
}

interface RasterFacts {
  readonly dataType: string;
  readonly shape: readonly [number, number];
  readonly transform: readonly number[];
  readonly wkt2: string;
  readonly epsg: number | null;
  /** The raster's outline in EPSG:4326, closed ring of lon/lat. */
  readonly footprint: [number, number][];
}

function describeRaster(file: string): RasterFacts {
  const ds = gdal.open(file);
  try {
    const { x, y } = ds.rasterSize;
    const transform = ds.geoTransform!;
    const srs = ds.srs!;
    const [x0, w, , y0, , h] = transform as [number, number, number, number, number, number];
    // OGC:CRS84 is WGS 84 with longitude first, as GeoJSON and STAC want it.
    const wgs84 = gdal.SpatialReference.fromUserInput("OGC:CRS84");
    const toWgs84 = new gdal.CoordinateTransformation(srs, wgs84);
    const corners: [number, number][] = [
      [x0, y0],
      [x0 + w * x, y0],
      [x0 + w * x, y0 + h * y],
      [x0, y0 + h * y],
      [x0, y0],
    ];
    const footprint = corners.map(([px, py]) => {
      const p = toWgs84.transformPoint(px, py);
      return [round(p.x), round(p.y)] as [number, number];
    });
    const code = srs.getAuthorityName(null) === "EPSG" ? Number(srs.getAuthorityCode(null)) : null;
    return {
      dataType: ds.bands.get(1).dataType ?? "unknown",
      shape: [y, x],
      transform: transform.slice(0, 6),
      wkt2: srs.toWKT(),
      epsg: code,
      footprint,
    };
  } finally {
    ds.close();
  }
}

async function sha256Multihash(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  // multihash: 0x12 (sha2-256), 0x20 (32 bytes), digest
  return `1220${hash.digest("hex")}`;
}

function round(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
