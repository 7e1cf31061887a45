import { z } from "zod";
import type { LandsatBand } from "./landsat-bands.js";
import { LandsatBandSchema } from "./landsat-bands.js";
import { MtlError, mtlGroup, type MtlGroup } from "./mtl.js";

// What the pipeline needs from a Landsat MTL (txt or json), read group by group: a Collection 2 Level-2 MTL
// repeats REFLECTANCE_MULT_BAND_n in its Level-1 and Level-2 groups with different meanings.

const Linear = z.strictObject({ mult: z.number().finite(), add: z.number().finite() });
export type Linear = z.infer<typeof Linear>;
const Thermal = z.strictObject({ k1: z.number().positive(), k2: z.number().positive() });

const bandRecord = <T extends z.ZodType>(value: T) => z.partialRecord(LandsatBandSchema, value);

export const LandsatMetadataSchema = z.strictObject({
  productId: z.string().min(1),
  /** 1 or 2; null for pre-collection products. */
  collection: z.union([z.literal(1), z.literal(2)]).nullable(),
  /** L1TP, L1GT, L1GS, L2SP, L2SR. */
  processingLevel: z.string().regex(/^L[12]/),
  sunElevation: z.number().gt(0).max(90),
  /** DATE_ACQUIRED with SCENE_CENTER_TIME, as an ISO timestamp. */
  acquiredAt: z.iso.datetime({ offset: true, local: false }),
  bandFiles: bandRecord(z.string()),
  /** QA_PIXEL (Collection 2) or BQA (Collection 1). */
  qaPixelFile: z.string().optional(),
  /** Level-1 rescaling: DN to radiance and to TOA reflectance (without the sun-elevation correction). */
  radiance: bandRecord(Linear),
  reflectance: bandRecord(Linear),
  thermal: bandRecord(Thermal),
  /** Level-2 rescaling: DN to surface reflectance and surface temperature (K). */
  surfaceReflectance: bandRecord(Linear),
  surfaceTemperature: bandRecord(Linear),
});
export type LandsatMetadata = z.infer<typeof LandsatMetadataSchema>;

export function isLevel2(metadata: LandsatMetadata): boolean {
  return metadata.processingLevel.startsWith("L2");
}

const BANDS = LandsatBandSchema.options;

/** The group layout of each MTL generation. */
const LAYOUTS = {
  collection2: {
    root: "LANDSAT_METADATA_FILE",
    contents: "PRODUCT_CONTENTS",
    level: "PROCESSING_LEVEL",
    image: "IMAGE_ATTRIBUTES",
    rescaling: "LEVEL1_RADIOMETRIC_RESCALING",
    thermal: "LEVEL1_THERMAL_CONSTANTS",
    qaPixel: "FILE_NAME_QUALITY_L1_PIXEL",
  },
  // Collection 1 and pre-collection
  collection1: {
    root: "L1_METADATA_FILE",
    contents: "PRODUCT_METADATA",
    level: "DATA_TYPE",
    image: "IMAGE_ATTRIBUTES",
    rescaling: "RADIOMETRIC_RESCALING",
    thermal: "TIRS_THERMAL_CONSTANTS",
    qaPixel: "FILE_NAME_BAND_QUALITY",
  },
} as const;

/** Reads and validates the metadata; a missing or malformed field throws an MtlError naming it. */
export function readLandsatMetadata(mtl: MtlGroup): LandsatMetadata {
  const layout =
    mtlGroup(mtl, LAYOUTS.collection2.root) !== undefined ? LAYOUTS.collection2 : LAYOUTS.collection1;
  const root = mtlGroup(mtl, layout.root);
  if (root === undefined) {
    throw new MtlError(
      `MTL has neither a ${LAYOUTS.collection2.root} nor a ${LAYOUTS.collection1.root} group`,
    );
  }
  const group = (name: string): Fields => new Fields(root, `${layout.root}.${name}`);
  const contents = group(layout.contents);
  const image = group(layout.image);
  const rescaling = group(layout.rescaling);
  const thermalGroup = group(layout.thermal);
  const level2Reflectance = group("LEVEL2_SURFACE_REFLECTANCE_PARAMETERS");
  const level2Temperature = group("LEVEL2_SURFACE_TEMPERATURE_PARAMETERS");
  const collectionField =
    layout === LAYOUTS.collection2
      ? contents.optionalString("COLLECTION_NUMBER")
      : group("METADATA_FILE_INFO").optionalString("COLLECTION_NUMBER");

  const productId =
    contents.optionalString("LANDSAT_PRODUCT_ID") ??
    group("METADATA_FILE_INFO").optionalString("LANDSAT_PRODUCT_ID") ??
    group("METADATA_FILE_INFO").string("LANDSAT_SCENE_ID");
  const processingLevel = contents.string(layout.level);

  const bandFiles: Partial<Record<LandsatBand, string>> = {};
  const radiance: Partial<Record<LandsatBand, Linear>> = {};
  const reflectance: Partial<Record<LandsatBand, Linear>> = {};
  const thermal: Partial<Record<LandsatBand, { k1: number; k2: number }>> = {};
  const surfaceReflectance: Partial<Record<LandsatBand, Linear>> = {};
  const surfaceTemperature: Partial<Record<LandsatBand, Linear>> = {};
  for (const band of BANDS) {
    const n = band.slice(1);
    // Level-2 products name the surface temperature band FILE_NAME_BAND_ST_B10.
    const file =
      contents.optionalString(`FILE_NAME_BAND_${n}`) ?? contents.optionalString(`FILE_NAME_BAND_ST_B${n}`);
    if (file !== undefined) bandFiles[band] = plainFileName(file, `${contents.where}.FILE_NAME_BAND_${n}`);
    const rad = rescaling.optionalLinear(`RADIANCE_MULT_BAND_${n}`, `RADIANCE_ADD_BAND_${n}`);
    if (rad !== undefined) radiance[band] = rad;
    const refl = rescaling.optionalLinear(`REFLECTANCE_MULT_BAND_${n}`, `REFLECTANCE_ADD_BAND_${n}`);
    if (refl !== undefined) reflectance[band] = refl;
    const k1 = thermalGroup.optionalNumber(`K1_CONSTANT_BAND_${n}`);
    if (k1 !== undefined) thermal[band] = { k1, k2: thermalGroup.number(`K2_CONSTANT_BAND_${n}`) };
    const sr = level2Reflectance.optionalLinear(`REFLECTANCE_MULT_BAND_${n}`, `REFLECTANCE_ADD_BAND_${n}`);
    if (sr !== undefined) surfaceReflectance[band] = sr;
    const st = level2Temperature.optionalLinear(
      `TEMPERATURE_MULT_BAND_ST_B${n}`,
      `TEMPERATURE_ADD_BAND_ST_B${n}`,
    );
    if (st !== undefined) surfaceTemperature[band] = st;
  }
  const qaPixel = contents.optionalString(layout.qaPixel);
  const metadata = {
    productId,
    collection: collectionField === undefined ? null : Number(collectionField) === 1 ? 1 : 2,
    processingLevel,
    sunElevation: image.number("SUN_ELEVATION"),
    acquiredAt: acquisitionTime(layout === LAYOUTS.collection2 ? image : contents),
    bandFiles,
    ...(qaPixel === undefined
      ? {}
      : { qaPixelFile: plainFileName(qaPixel, `${contents.where}.${layout.qaPixel}`) }),
    radiance,
    reflectance,
    thermal,
    surfaceReflectance,
    surfaceTemperature,
  };
  const parsed = LandsatMetadataSchema.safeParse(metadata);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MtlError(`MTL field ${issue.path.join(".")} is invalid: ${issue.message}`);
  }
  return parsed.data;
}

/** The file that holds a band, as the MTL names it. */
export function bandFile(metadata: LandsatMetadata, band: LandsatBand): string {
  const file = metadata.bandFiles[band];
  if (file === undefined) {
    throw new MtlError(
      `MTL names no file for band ${band} (FILE_NAME_BAND_${band.slice(1)}): it is not in this product`,
    );
  }
  return file;
}

/** Typed access to one MTL group's fields, with errors that name GROUP.FIELD. */
class Fields {
  readonly #group: MtlGroup | undefined;
  constructor(
    root: MtlGroup,
    readonly where: string,
  ) {
    this.#group = mtlGroup(root, where.split(".").slice(1).join("."));
  }

  optionalString(key: string): string | undefined {
    const value = this.#group?.[key];
    return typeof value === "string" ? value : undefined;
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw new MtlError(`MTL has no ${this.where}.${key}`);
    return value;
  }

  optionalNumber(key: string): number | undefined {
    const text = this.optionalString(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value)) {
      throw new MtlError(`MTL ${this.where}.${key} is not a number: ${JSON.stringify(text)}`);
    }
    return value;
  }

  number(key: string): number {
    const value = this.optionalNumber(key);
    if (value === undefined) throw new MtlError(`MTL has no ${this.where}.${key}`);
    return value;
  }

  /** A MULT/ADD pair: both or neither. */
  optionalLinear(multKey: string, addKey: string): Linear | undefined {
    const mult = this.optionalNumber(multKey);
    if (mult === undefined) return undefined;
    return { mult, add: this.number(addKey) };
  }
}

/** Collection 2 keeps the acquisition time in IMAGE_ATTRIBUTES, Collection 1 in PRODUCT_METADATA. */
function acquisitionTime(group: Fields): string {
  const date = group.string("DATE_ACQUIRED");
  const time = group.string("SCENE_CENTER_TIME");
  // e.g. 2017-08-13 and 15:54:15.7884640Z: keep milliseconds, as ISO 8601 readers expect.
  const match = /^(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(time);
  if (match === null)
    throw new MtlError(`MTL ${group.where}.SCENE_CENTER_TIME is not hh:mm:ss[.f]Z: ${time}`);
  const fraction = (match[2] ?? ".0").slice(1, 4).padEnd(3, "0");
  return `${date}T${match[1]}.${fraction}Z`;
}

function plainFileName(name: string, field: string): string {
  if (name === "" || name.includes("/") || name.includes("\\") || name === "." || name === "..") {
    throw new MtlError(`MTL ${field} is not a plain file name: ${JSON.stringify(name)}`);
  }
  return name;
}
