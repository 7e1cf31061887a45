import { z } from "zod";
import { CalibrationSchema } from "../../common/radar.js";

// What the service keeps from a RADARSAT-2 product.xml (RADARSAT-2 Product Format Definition, RN-SP-52-1238).
// No GDAL here: the API may import these types, and the id parser shares the vocabulary.

/** The product types of the id's last part and of generalProcessingInformation/productType. */
export const RADARSAT2_PRODUCT_TYPES = ["SLC", "SGF", "SGX", "SSG", "SPG"] as const;
export const Radarsat2ProductTypeSchema = z.enum(RADARSAT2_PRODUCT_TYPES, {
  error: `is not one of ${RADARSAT2_PRODUCT_TYPES.join(", ")}`,
});
export type Radarsat2ProductType = z.infer<typeof Radarsat2ProductTypeSchema>;

/** Transmit then receive polarisation, as the product and the id write them. */
export const RADARSAT2_POLARISATIONS = ["HH", "HV", "VV", "VH"] as const;
export const Radarsat2PolarisationSchema = z.enum(RADARSAT2_POLARISATIONS, {
  error: `is not one of ${RADARSAT2_POLARISATIONS.join(", ")}`,
});
export type Radarsat2Polarisation = z.infer<typeof Radarsat2PolarisationSchema>;

/** Beam mode mnemonics: W2, S3, F1, FQ2, SCWA, U25, XF0W1, EH3, SLA1... */
export const BEAM_MODE = /^[A-Z][A-Z0-9]{0,7}$/;

/** The lookupTable element's incidenceAngleCorrection for each calibration. */
export const LUT_CORRECTIONS = {
  sigma0: "Sigma Nought",
  beta0: "Beta Nought",
  gamma0: "Gamma",
} as const;

/** A file named relative to the product folder, that cannot climb out of it. */
export const ProductFileSchema = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith("/") && !p.includes("\\") && !p.split("/").some((s) => s === ".." || s === ""),
    { error: "is not a plain path inside the product" },
  );

/** GDAL's RPC metadata domain (the keys GDAL's RS2 driver maps rationalFunctions to), values as written. */
export const RPC_KEYS = [
  "LINE_OFF",
  "SAMP_OFF",
  "LAT_OFF",
  "LONG_OFF",
  "HEIGHT_OFF",
  "LINE_SCALE",
  "SAMP_SCALE",
  "LAT_SCALE",
  "LONG_SCALE",
  "HEIGHT_SCALE",
  "LINE_NUM_COEFF",
  "LINE_DEN_COEFF",
  "SAMP_NUM_COEFF",
  "SAMP_DEN_COEFF",
] as const;
export type RpcKey = (typeof RPC_KEYS)[number];
export const RpcSchema = z.record(z.enum(RPC_KEYS), z.string().min(1));
export type Rpc = z.infer<typeof RpcSchema>;

export const TiePointSchema = z.strictObject({
  /** Image coordinates of a pixel centre, 0 at the first line and sample (GDAL adds 0.5 to make its GCPs). */
  line: z.number().finite(),
  pixel: z.number().finite(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  /** Metres above the ellipsoid; 0 where the product gives none (as GDAL reads it). */
  height: z.number().finite(),
});
export type TiePoint = z.infer<typeof TiePointSchema>;

const timeOrdering = z.enum(["Increasing", "Decreasing"]);

export const Radarsat2ProductSchema = z.strictObject({
  satellite: z.literal("RADARSAT-2"),
  beamMode: z.string().regex(BEAM_MODE),
  productType: Radarsat2ProductTypeSchema,
  /** sourceAttributes/rawDataStartTime, ISO 8601 UTC. */
  acquisitionStart: z.iso.datetime(),
  polarisations: z.array(Radarsat2PolarisationSchema).min(1).max(4),
  looks: z.strictObject({ range: z.number().int().positive(), azimuth: z.number().int().positive() }),
  /** Metres. */
  pixelSpacing: z.number().positive(),
  lineSpacing: z.number().positive(),
  samplesPerLine: z.number().int().min(2),
  lines: z.number().int().min(2),
  /** "Magnitude Detected" for SGF/SGX/SSG/SPG, "Complex" for SLC. */
  dataType: z.enum(["Magnitude Detected", "Complex"]),
  bitsPerSample: z.union([z.literal(8), z.literal(16), z.literal(32)]),
  /** Whether time runs down the lines and along the samples (Decreasing: the image is flipped that way). */
  lineTimeOrdering: timeOrdering,
  pixelTimeOrdering: timeOrdering,
  /** Degrees. */
  incidenceNear: z.number().min(0).max(90),
  incidenceFar: z.number().min(0).max(90),
  centreFrequencyHz: z.number().positive(),
  tiePoints: z.array(TiePointSchema).min(1),
  /** undefined when the product has no rational functions, or only placeholders (GDAL's test product). */
  rpc: RpcSchema.optional(),
  /** The LUT file of each calibration; SSG and SPG products may carry none (GDAL does not calibrate them). */
  lutFiles: z.partialRecord(CalibrationSchema, ProductFileSchema),
  /** The image file of each polarisation, relative to the product folder. */
  imageFiles: z.partialRecord(Radarsat2PolarisationSchema, ProductFileSchema),
});
export type Radarsat2Product = z.infer<typeof Radarsat2ProductSchema>;
