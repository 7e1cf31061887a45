import { z } from "zod";
import { readTiePoints } from "../sar/tie-points.js";
import { fieldPath } from "../../common/zod-issues.js";
import type { XmlElement } from "../sentinel2/xml-element.js";
import { angleText, integerText, positiveText, timeText } from "../sentinel2/xml-text.js";
import { readImageFiles, readLutFiles, readPolarisations } from "./radarsat2-image-files.js";
import { Radarsat2MetadataError } from "./radarsat2-metadata-error.js";
import {
  readRadarsat2Text,
  radarsat2FileExists,
  radarsat2ProductName,
  readRadarsat2Xml,
} from "./radarsat2-product-files.js";
import {
  BEAM_MODE,
  Radarsat2ProductSchema,
  Radarsat2ProductTypeSchema,
  type Radarsat2Product,
} from "./radarsat2-product-schema.js";
import { readRationalFunctions } from "../sar/rational-functions.js";

// A RADARSAT-2 product's product.xml: identity, acquisition, raster layout, geolocation (tie points and the RPC
// model) and the LUT and image files, every one of which must be in the product. Elements are read by name; the
// namespace (http://www.rsi.ca/rs2/prod/xml/schemas) is not checked, as GDAL's driver only looks for "/rs2" and
// "<product" in the file's first bytes, which its own test product (http://foo.bar/rs2) meets too.

export const PRODUCT_XML = "product.xml";

/** Reads and validates `${root}/product.xml` (root: the product folder or its /vsizip/ path) and its files' presence. */
export async function readRadarsat2Product(root: string): Promise<Radarsat2Product> {
  const product = parseRadarsat2ProductXml(await readRadarsat2Text(root, PRODUCT_XML));
  const listed = [
    ...Object.entries(product.imageFiles).map(([pole, file]) => ({ file, what: `the ${pole} image` })),
    ...Object.entries(product.lutFiles).map(([calibration, file]) => ({
      file,
      what: `the ${calibration} LUT`,
    })),
  ];
  for (const { file, what } of listed) {
    if (!(await radarsat2FileExists(root, file))) {
      throw new Radarsat2MetadataError(
        `${PRODUCT_XML} lists ${file} as ${what}, which is not in ${radarsat2ProductName(root)}`,
      );
    }
  }
  return product;
}

const SATELLITE = z.literal("RADARSAT-2", { error: "is not RADARSAT-2" });
const BEAM_MODE_TEXT = z.string().regex(BEAM_MODE, { error: "is not a beam mode mnemonic" });
const TIME_ORDERING = z.enum(["Increasing", "Decreasing"], { error: "is neither Increasing nor Decreasing" });
const COUNT = integerText.pipe(z.number().positive({ error: "is not a positive integer" }));
const SIZE = integerText.pipe(z.number().min(2, { error: "is less than 2" }));
/** As GDAL reads it: "Complex", or anything starting with "Mag" ("Magnitude Detected"). */
const DATA_TYPE = z
  .string()
  .refine((t) => t === "Complex" || /^mag/i.test(t), { error: "is neither Magnitude Detected nor Complex" })
  .transform((t) => (t === "Complex" ? "Complex" : "Magnitude Detected"));
/** The sample sizes GDAL's driver reads: detected 8 or 16 bits, complex 16 (CInt16) or 32 (CFloat32). */
const BITS = { "Magnitude Detected": [8, 16], Complex: [16, 32] } as const;

/** Parses product.xml's text; the first fault in document order throws a Radarsat2MetadataError naming its element. */
export function parseRadarsat2ProductXml(text: string): Radarsat2Product {
  return readRadarsat2Xml(text, PRODUCT_XML, (root) => {
    const source = root.get("sourceAttributes");
    const satellite = source.get("satellite").value(SATELLITE);
    const beamMode = source.get("beamModeMnemonic").value(BEAM_MODE_TEXT);
    const acquisitionStart = source.get("rawDataStartTime").value(timeText);
    const radar = source.get("radarParameters");
    const polarisationsElement = radar.get("polarizations");
    const polarisations = readPolarisations(polarisationsElement);
    const centreFrequencyHz = radar.get("radarCenterFrequency").value(positiveText);
    const generation = root.get("imageGenerationParameters");
    const productType = generation
      .get("generalProcessingInformation/productType")
      .value(Radarsat2ProductTypeSchema);
    const sar = generation.get("sarProcessingInformation");
    const looks = {
      range: sar.get("numberOfRangeLooks").value(COUNT),
      azimuth: sar.get("numberOfAzimuthLooks").value(COUNT),
    };
    const incidenceNear = sar.get("incidenceAngleNearRange").value(angleText(0, 90));
    const incidenceFar = sar.get("incidenceAngleFarRange").value(angleText(0, 90));
    const image = root.get("imageAttributes");
    const model = {
      satellite,
      beamMode,
      productType,
      acquisitionStart,
      polarisations,
      looks,
      ...readRaster(image.get("rasterAttributes")),
      incidenceNear,
      incidenceFar,
      centreFrequencyHz,
      tiePoints: readTiePoints(image.get("geographicInformation/geolocationGrid")),
      rpc: readRationalFunctions(image.get("geographicInformation")),
      lutFiles: readLutFiles(image, productType),
      imageFiles: readImageFiles(image, polarisations, polarisationsElement),
    };
    const parsed = Radarsat2ProductSchema.safeParse(model);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0]);
      throw root.error(
        `<${ELEMENTS[field] ?? field}> is invalid (${fieldPath(issue.path)}: ${issue.message})`,
      );
    }
    return parsed.data;
  });
}

function readRaster(raster: XmlElement) {
  const dataType = raster.get("dataType").value(DATA_TYPE);
  const bitsElement = raster.get("bitsPerSample");
  const bitsPerSample = bitsElement.value(integerText);
  if (!(BITS[dataType] as readonly number[]).includes(bitsPerSample)) {
    throw raster.error(`<${bitsElement.path}> ${bitsPerSample} is not a sample size of ${dataType} data`);
  }
  return {
    dataType,
    bitsPerSample,
    samplesPerLine: raster.get("numberOfSamplesPerLine").value(SIZE),
    lines: raster.get("numberOfLines").value(SIZE),
    pixelSpacing: raster.get("sampledPixelSpacing").value(positiveText),
    lineSpacing: raster.get("sampledLineSpacing").value(positiveText),
    lineTimeOrdering: raster.get("lineTimeOrdering").value(TIME_ORDERING),
    pixelTimeOrdering: raster.get("pixelTimeOrdering").value(TIME_ORDERING),
  };
}

/** Where each model field comes from, for the checks only the whole model makes. */
const ELEMENTS: Readonly<Record<string, string>> = {
  satellite: "sourceAttributes/satellite",
  beamMode: "sourceAttributes/beamModeMnemonic",
  polarisations: "sourceAttributes/radarParameters/polarizations",
  tiePoints: "imageAttributes/geographicInformation/geolocationGrid",
  rpc: "imageAttributes/geographicInformation/rationalFunctions",
  lutFiles: "imageAttributes/lookupTable",
  imageFiles: "imageAttributes/fullResolutionImageData",
};
