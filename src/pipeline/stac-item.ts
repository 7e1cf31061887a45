import type { LandsatBand } from "../config/config-schema.js";

// A STAC 1.0 Item for one processed scene, with the projection, eo, raster and file extensions.

export const STAC_EXTENSIONS = [
  "https://stac-extensions.github.io/projection/v1.1.0/schema.json",
  "https://stac-extensions.github.io/eo/v1.1.0/schema.json",
  "https://stac-extensions.github.io/raster/v1.1.0/schema.json",
  "https://stac-extensions.github.io/file/v2.1.0/schema.json",
] as const;

/** OLI/TIRS band names as STAC's eo extension calls them, with centre wavelengths in micrometres. */
const EO_BANDS: Record<LandsatBand, { common_name: string; center_wavelength: number }> = {
  B1: { common_name: "coastal", center_wavelength: 0.44 },
  B2: { common_name: "blue", center_wavelength: 0.48 },
  B3: { common_name: "green", center_wavelength: 0.56 },
  B4: { common_name: "red", center_wavelength: 0.65 },
  B5: { common_name: "nir08", center_wavelength: 0.86 },
  B6: { common_name: "swir16", center_wavelength: 1.6 },
  B7: { common_name: "swir22", center_wavelength: 2.2 },
  B8: { common_name: "pan", center_wavelength: 0.59 },
  B9: { common_name: "cirrus", center_wavelength: 1.37 },
  B10: { common_name: "lwir11", center_wavelength: 10.9 },
  B11: { common_name: "lwir12", center_wavelength: 12.0 },
};

export interface StacAssetInput {
  readonly band: LandsatBand;
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
    stac_extensions: [...STAC_EXTENSIONS],
    id: input.id,
    geometry: { type: "Polygon", coordinates: [input.ring.map((p) => [p[0], p[1]])] },
    bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
    properties: {
      datetime: input.datetime,
      platform: input.platform,
      instruments: ["oli", "tirs"],
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
          "eo:bands": [{ name: a.band, ...EO_BANDS[a.band] }],
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
