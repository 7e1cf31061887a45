import { z } from "zod";
import { CalibrationSchema } from "../../common/radar.js";
import { ProductFileSchema, RpcSchema, TiePointSchema } from "../radarsat2/radarsat2-product-schema.js";

// What the service keeps from an RCM product's metadata/product.xml (RCM Product Format Definition,
// RCM-SP-53-0419, as GDAL 3.11's RCM driver reads it). No GDAL here: the API may import these types, and the id
// parser shares the vocabulary. Tie points, RPCs and product-relative file names are GDAL's and RADARSAT-2's.

/** The product's main metadata file, relative to the product folder; the other files are named relative to it. */
export const PRODUCT_XML = "metadata/product.xml";

/** sourceAttributes/satellite. */
export const RCM_SATELLITES = ["RCM-1", "RCM-2", "RCM-3"] as const;
export const RcmSatelliteSchema = z.enum(RCM_SATELLITES, { error: "is not RCM-1, RCM-2 or RCM-3" });
export type RcmSatellite = z.infer<typeof RcmSatelliteSchema>;

/**
 * The channels an RCM product and its name may hold: linear polarisations (transmit then receive), and compact
 * polarimetry's CH and CV (circular transmit, H or V receive). PARAMS.RCM.bands names them.
 */
export const RCM_CHANNELS = ["HH", "HV", "VV", "VH", "CH", "CV"] as const;
export const RcmChannelSchema = z.enum(RCM_CHANNELS, { error: `is not one of ${RCM_CHANNELS.join(", ")}` });
export type RcmChannel = z.infer<typeof RcmChannelSchema>;
/** Compact polarimetry's channels, which never come with linear ones. */
export const COMPACT_CHANNELS: readonly RcmChannel[] = ["CH", "CV"];

/**
 * generalProcessingInformation/productType and the name's last part: SLant range Complex, GRound range Detected or
 * Complex, GeoCoded Detected or Complex, and compact polarimetry's Multi-Look Complex (detected CH and CV plus
 * their cross-correlation XC).
 */
export const RCM_PRODUCT_TYPES = ["SLC", "GRC", "GRD", "GCC", "GCD", "MLC"] as const;
export const RcmProductTypeSchema = z.enum(RCM_PRODUCT_TYPES, {
  error: `is not one of ${RCM_PRODUCT_TYPES.join(", ")}`,
});
export type RcmProductType = z.infer<typeof RcmProductTypeSchema>;

/** imageReferenceAttributes/rasterAttributes/sampleType. */
export const RCM_SAMPLE_TYPES = ["Magnitude Detected", "Complex", "Mixed"] as const;
export type RcmSampleType = (typeof RCM_SAMPLE_TYPES)[number];

/** The sampleType each product type has (GDAL: "Mixed" is MLC's, read as detected). */
export const SAMPLE_TYPES: Readonly<Record<RcmProductType, RcmSampleType>> = {
  SLC: "Complex",
  GRC: "Complex",
  GCC: "Complex",
  GRD: "Magnitude Detected",
  GCD: "Magnitude Detected",
  MLC: "Mixed",
};

/** Geocoded products are not calibrated (nor by GDAL, which offers GCD and GCC no calibration): LUTs optional. */
export const GEOCODED_TYPES: readonly RcmProductType[] = ["GCD", "GCC"];

/** Beam mode mnemonics: 16M5, 5M9, 3M, SC30MCPB, SC50MA, SCLND, QP15, FSL25, 3MCP24... */
export const RCM_BEAM_MODE = /^(?=.*[A-Z])[A-Z0-9]{1,12}$/;

/** The sarCalibrationType of each calibration, in lookupTableFileName and noiseLevels_<POL>.xml. */
export const SAR_CALIBRATION_TYPES = {
  sigma0: "Sigma Nought",
  beta0: "Beta Nought",
  gamma0: "Gamma",
} as const;

const timeOrdering = z.enum(["Increasing", "Decreasing"]);
const files = <K extends string>(keys: z.ZodEnum<{ [P in K]: P }>) =>
  z.partialRecord(keys, ProductFileSchema);

export const RcmProductSchema = z.strictObject({
  satellite: RcmSatelliteSchema,
  /** sourceAttributes/beamModeMnemonic: 16M5, SC50MA... */
  beamMode: z.string().regex(RCM_BEAM_MODE),
  /** sourceAttributes/radarParameters/acquisitionType, in words: "Medium Resolution 16m". */
  acquisitionType: z.string().min(1),
  productType: RcmProductTypeSchema,
  /** sourceAttributes/rawDataStartTime, ISO 8601 UTC. */
  acquisitionStart: z.iso.datetime(),
  /** sourceAttributes/radarParameters/polarizations, in its order (GDAL's band order). */
  channels: z.array(RcmChannelSchema).min(1).max(4),
  looks: z.strictObject({ range: z.number().int().positive(), azimuth: z.number().int().positive() }),
  /** Metres. */
  pixelSpacing: z.number().positive(),
  lineSpacing: z.number().positive(),
  samplesPerLine: z.number().int().min(2),
  lines: z.number().int().min(2),
  sampleType: z.enum(RCM_SAMPLE_TYPES),
  /** Integer (16 bits: UInt16 detected, CInt16 complex) or Floating-Point (32 bits: Float32, CFloat32). */
  dataType: z.enum(["Integer", "Floating-Point"]),
  bitsPerSample: z.union([z.literal(16), z.literal(32)]),
  /** Whether time runs down the lines and along the samples (Decreasing: the image is flipped that way). */
  lineTimeOrdering: timeOrdering,
  pixelTimeOrdering: timeOrdering,
  /** sceneAttributes/imageAttributes/incAngNearRng and incAngFarRng, degrees, when the product states them. */
  incidenceNear: z.number().min(0).max(90).optional(),
  incidenceFar: z.number().min(0).max(90).optional(),
  centreFrequencyHz: z.number().positive(),
  /**
   * geolocationGrid's imageTiePoints as written. GDAL 3.11's RCM driver makes its GCPs from them as they are,
   * where its RS2 driver adds 0.5 (RADARSAT-2 counts from the first pixel's centre).
   */
  tiePoints: z.array(TiePointSchema).min(1),
  /** GDAL RPC metadata strings; undefined when there are none, or only zeros or placeholders (GDAL's test product). */
  rpc: RpcSchema.optional(),
  /** Each channel's image, relative to the product folder (ipdf "../imagery/VV.tif" is imagery/VV.tif). */
  imageFiles: files(RcmChannelSchema),
  /** Each channel's LUT per calibration (metadata/calibration/lutSigma_VV.xml...); none for GCD and GCC. */
  lutFiles: z.partialRecord(RcmChannelSchema, files(CalibrationSchema)),
  /** Each channel's noise levels (metadata/calibration/noiseLevels_VV.xml), where the product lists one. */
  noiseFiles: files(RcmChannelSchema),
  /** metadata/calibration/incidenceAngles.xml, where the product lists it. */
  incidenceAngleFile: ProductFileSchema.optional(),
});
export type RcmProduct = z.infer<typeof RcmProductSchema>;
