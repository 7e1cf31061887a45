import { z } from "zod";
import { Sentinel2BandSchema } from "./sentinel2-bands.js";

// What the service keeps from a Sentinel-2 product's metadata (MTD_MSIL1C.xml or MTD_MSIL2A.xml, and the
// granule's MTD_TL.xml). No GDAL here: the API may import these types, and the product formulas work on them.

/** A file named relative to the SAFE root, that cannot climb out of it. */
export const SafeRelativePathSchema = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith("/") && !p.includes("\\") && !p.split("/").some((s) => s === ".." || s === ""),
    {
      error: "is not a plain path inside the product",
    },
  );

export const ResolutionSchema = z.union([z.literal(10), z.literal(20), z.literal(60)]);

export const Sentinel2FileSchema = z.strictObject({
  /** Relative to the SAFE root, with its extension: GRANULE/<granule>/IMG_DATA/R60m/T29UNU_..._B02_60m.jp2 */
  file: SafeRelativePathSchema,
  /** Pixel size in metres. */
  resolution: ResolutionSchema,
});
export type Sentinel2File = z.infer<typeof Sentinel2FileSchema>;

const longitude = z.number().min(-180).max(180);
const latitude = z.number().min(-90).max(90);

export const Sentinel2MetadataSchema = z.strictObject({
  /** PRODUCT_URI without .SAFE: the product id. */
  productId: z.string().regex(/^S2[ABC]_MSIL(1C|2A)_/),
  level: z.enum(["L1C", "L2A"]),
  satellite: z.enum(["S2A", "S2B", "S2C"]),
  /** "04.00" */
  processingBaseline: z.string().regex(/^\d{2}\.\d{2}$/),
  /** Datatake sensing start (PRODUCT_START_TIME). */
  sensingTime: z.iso.datetime(),
  /** The tile's own sensing time (MTD_TL SENSING_TIME). */
  tileSensingTime: z.iso.datetime(),
  generationTime: z.iso.datetime(),
  /** DN / quantification = reflectance (after the offset): QUANTIFICATION_VALUE (L1C), BOA_QUANTIFICATION_VALUE (L2A). */
  quantificationValue: z.number().positive(),
  /**
   * Added to the DN before dividing by the quantification value: RADIO_ADD_OFFSET (L1C) or BOA_ADD_OFFSET (L2A).
   * Every band from baseline 04.00 on; empty for older products, whose offset is 0.
   */
  addOffsets: z.partialRecord(Sentinel2BandSchema, z.number().finite()),
  nodata: z.number().int(),
  saturated: z.number().int(),
  /** Cloud_Coverage_Assessment, percent. */
  cloudCover: z.number().min(0).max(100),
  /** MGRS tile: "29UNU". */
  tileId: z.string().regex(/^\d{2}[A-Z]{3}$/),
  datatakeId: z.string().min(1),
  orbit: z.number().int().min(1).max(143),
  orbitDirection: z.enum(["ASCENDING", "DESCENDING"]),
  /** Mean sun angles over the tile, degrees. */
  sunZenith: z.number().min(0).max(90),
  sunAzimuth: z.number().min(0).max(360),
  /** Product footprint as a closed [lon, lat] ring (WGS 84). */
  footprint: z.array(z.tuple([longitude, latitude])).min(4),
  /** The tile's UTM projection: 326zz (north) or 327zz (south). */
  epsg: z.number().int(),
  /** GRANULE/<granule>: the single granule of a compact product. */
  granuleDir: SafeRelativePathSchema,
  /** Every file the product lists for a band, at each resolution it comes in. */
  bandFiles: z.partialRecord(Sentinel2BandSchema, z.array(Sentinel2FileSchema).min(1)),
  /** Scene classification files (L2A), at each resolution. */
  sclFiles: z.array(Sentinel2FileSchema),
  /** MSK_CLASSI_B00.jp2 (from baseline 04.00): 3 bands, opaque clouds, cirrus, snow/ice; undefined before. */
  classificationMaskFile: SafeRelativePathSchema.optional(),
});
export type Sentinel2Metadata = z.infer<typeof Sentinel2MetadataSchema>;
