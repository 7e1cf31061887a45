// A STAC 1.0 Item for one processed scene, with the projection, eo, raster and file extensions.

export const STAC_EXTENSIONS = [
  "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
  "https://stac-extensions.github.io/eo/v1.1.0/schema.json",
  "https://stac-extensions.github.io/raster/v1.1.0/schema.json",
  "https://stac-extensions.github.io/file/v2.1.0/schema.json",
] as const;

/** A band as STAC's eo extension describes it. */
export interface EoBand {
  readonly common_name: string;
  /** Micrometres. */
  readonly center_wavelength: number;
}

export interface StacAssetInput {
  readonly band: string;
  /** The band's eo description; undefined for bands outside the optical spectrum (radar). */
  readonly eo: EoBand | undefined;
  /** Relative to the Item's own location. */
  readonly href: string;
  readonly title: string;
  readonly dataType: string;
  readonly nodata: number;
  readonly scale?: number | undefined;
  readonly offset?: number | undefined;
  readonly unit: string;
  readonly resolution: number;
  readonly shape: readonly [number, number];
  readonly transform: readonly number[];
  /** sha2-256 multihash, hex. */
  readonly checksum: string;
  readonly size: number;
}

export interface StacItemInput {
  readonly id: string;
  readonly datetime: string;
  /** Footprint in EPSG:4326, lon/lat ring (closed). */
  readonly ring: readonly (readonly [number, number])[];
  readonly projectionWkt2: string;
  readonly epsg: number | null;
  readonly platform: string;
  readonly instruments: readonly string[];
  /** The sensor's own extensions, beside the ones every Item uses. */
  readonly extensions?: readonly string[] | undefined;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly assets: readonly StacAssetInput[];
}

export function stacItem(input: StacItemInput): Record<string, unknown> {
  const lons = input.ring.map((p) => p[0]);
  const lats = input.ring.map((p) => p[1]);
  const first = input.assets[0];
  return {
    type: "Feature",
    stac_version: "1.0.0",
    stac_extensions: [...STAC_EXTENSIONS, ...(input.extensions ?? [])],
    id: input.id,
    geometry: { type: "Polygon", coordinates: [input.ring.map((p) => [p[0], p[1]])] },
    bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
    properties: {
      datetime: input.datetime,
      platform: input.platform,
      instruments: [...input.instruments],
      "proj:epsg": input.epsg,
      "proj:wkt2": input.projectionWkt2,
      ...(first === undefined
        ? {}
        : { "proj:shape": [...first.shape], "proj:transform": [...first.transform] }),
      ...input.properties,
    },
    links: [],
    assets: Object.fromEntries(
      input.assets.map((a) => [
        a.band,
        {
          href: a.href,
          type: "image/tiff; application=geotiff; profile=cloud-optimized",
          title: a.title,
          roles: ["data"],
          "proj:shape": [...a.shape],
          "proj:transform": [...a.transform],
          ...(a.eo === undefined ? {} : { "eo:bands": [{ name: a.band, ...a.eo }] }),
          "raster:bands": [
            {
              data_type: a.dataType.toLowerCase(),
              nodata: a.nodata,
              spatial_resolution: a.resolution,
              unit: a.unit,
              ...(a.scale === undefined ? {} : { scale: a.scale }),
              ...(a.offset === undefined ? {} : { offset: a.offset }),
            },
          ],
          "file:checksum": a.checksum,
          "file:size": a.size,
        },
      ]),
    ),
  };
}
