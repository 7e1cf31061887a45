import { z } from "zod";
import { readTiePoints } from "../sar/tie-points.js";
import { fieldPath } from "../../common/zod-issues.js";
import type { XmlElement } from "../sentinel2/xml-element.js";
import { angleText, integerText, nonEmptyText, positiveText, timeText } from "../sentinel2/xml-text.js";
import { RcmMetadataError } from "./rcm-metadata-error.js";
import {
  readChannels,
  readImageFiles,
  readIncidenceAngleFile,
  readLutFiles,
  readNoiseFiles,
} from "./rcm-product-file-names.js";
import { PRODUCT_XML, rcmFileExists, rcmProductName, readRcmText, readRcmXml } from "./rcm-product-files.js";
import {
  RCM_BEAM_MODE,
  RCM_SAMPLE_TYPES,
  RcmProductSchema,
  RcmProductTypeSchema,
  RcmSatelliteSchema,
  SAMPLE_TYPES,
  type RcmProduct,
} from "./rcm-product-schema.js";
import { readRationalFunctions } from "../sar/rational-functions.js";

// An RCM product's metadata/product.xml (namespace rcmGsProductSchema, which is not checked: elements are read
// by name, as GDAL's driver does): identity, acquisition, raster layout, geolocation (tie points and the RPC
// model), and the image, LUT and noise-level files, every one of which must be in the product. GDAL 3.6 has no
// RCM driver (3.11 has), so this is where an RCM product is understood.

/**
 * Reads and validates `${root}/metadata/product.xml` (root: the product folder or its /vsizip/ path) and checks
 * that every file it lists is in the product.
 */
export async function readRcmProduct(root: string): Promise<RcmProduct> {
  const product = parseRcmProductXml(await readRcmText(root, PRODUCT_XML));
  const listed = [
    ...Object.entries(product.imageFiles).map(([channel, file]) => ({ file, what: `the ${channel} image` })),
    ...Object.entries(product.lutFiles).flatMap(([channel, luts]) =>
      Object.entries(luts).map(([calibration, file]) => ({
        file,
        what: `the ${channel} ${calibration} LUT`,
      })),
    ),
    ...Object.entries(product.noiseFiles).map(([channel, file]) => ({
      file,
      what: `the ${channel} noise levels`,
    })),
    ...(product.incidenceAngleFile === undefined
      ? []
      : [{ file: product.incidenceAngleFile, what: "the incidence angles" }]),
  ];
  for (const { file, what } of listed) {
    if (!(await rcmFileExists(root, file))) {
      throw new RcmMetadataError(
        `${PRODUCT_XML} lists ${file} as ${what}, which is not in ${rcmProductName(root)}`,
      );
    }
  }
  return product;
}

const BEAM_MODE_TEXT = z.string().regex(RCM_BEAM_MODE, { error: "is not a beam mode mnemonic" });
const TIME_ORDERING = z.enum(["Increasing", "Decreasing"], { error: "is neither Increasing nor Decreasing" });
const COUNT = integerText.pipe(z.number().positive({ error: "is not a positive integer" }));
const SIZE = integerText.pipe(z.number().min(2, { error: "is less than 2" }));
const SAMPLE_TYPE = z.enum(RCM_SAMPLE_TYPES, { error: `is not one of ${RCM_SAMPLE_TYPES.join(", ")}` });
const DATA_TYPE = z.enum(["Integer", "Floating-Point"], { error: "is neither Integer nor Floating-Point" });
/** The sample size of each data type (GDAL: 16-bit UInt16 or CInt16, 32-bit Float32 or CFloat32). */
const BITS = { Integer: 16, "Floating-Point": 32 } as const;

/** Parses product.xml's text; the first fault in document order throws an RcmMetadataError naming its element. */
export function parseRcmProductXml(text: string): RcmProduct {
  return readRcmXml(text, PRODUCT_XML, (root) => {
    const source = root.get("sourceAttributes");
    const satellite = source.get("satellite").value(RcmSatelliteSchema);
    const beamMode = source.get("beamModeMnemonic").value(BEAM_MODE_TEXT);
    const acquisitionStart = source.get("rawDataStartTime").value(timeText);
    const radar = source.get("radarParameters");
    const acquisitionType = radar.get("acquisitionType").value(nonEmptyText);
    const channelsElement = radar.get("polarizations");
    const channels = readChannels(channelsElement);
    const centreFrequencyHz = radar.get("radarCenterFrequency").value(positiveText);
    const generation = root.get("imageGenerationParameters");
    const productType = generation
      .get("generalProcessingInformation/productType")
      .value(RcmProductTypeSchema);
    const sar = generation.get("sarProcessingInformation");
    const looks = {
      range: sar.get("numberOfRangeLooks").value(COUNT),
      azimuth: sar.get("numberOfAzimuthLooks").value(COUNT),
    };
    const reference = root.get("imageReferenceAttributes");
    checkProductFormat(reference);
    const lutFiles = readLutFiles(reference, channels, channelsElement, productType);
    const incidenceAngleFile = readIncidenceAngleFile(reference);
    const noiseFiles = readNoiseFiles(reference, channels, channelsElement);
    const raster = readRaster(reference.get("rasterAttributes"), productType);
    const geographic = reference.get("geographicInformation");
    const tiePoints = readTiePoints(geographic.get("geolocationGrid"));
    const rpc = readRationalFunctions(geographic);
    const image = readSceneImage(root.get("sceneAttributes"));
    const imageFiles = readImageFiles(image, channels, channelsElement);
    const samplesPerLine = image.get("samplesPerLine").value(SIZE);
    const lines = image.get("numLines").value(SIZE);
    const incidenceNear = optionalAngle(image, "incAngNearRng");
    const incidenceFar = optionalAngle(image, "incAngFarRng");
    const model = {
      satellite,
      beamMode,
      acquisitionType,
      productType,
      acquisitionStart,
      channels,
      looks,
      ...raster,
      samplesPerLine,
      lines,
      ...(incidenceNear === undefined ? {} : { incidenceNear }),
      ...(incidenceFar === undefined ? {} : { incidenceFar }),
      centreFrequencyHz,
      tiePoints,
      ...(rpc === undefined ? {} : { rpc }),
      imageFiles,
      lutFiles,
      noiseFiles,
      ...(incidenceAngleFile === undefined ? {} : { incidenceAngleFile }),
    };
    const parsed = RcmProductSchema.safeParse(model);
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

function readRaster(raster: XmlElement, productType: z.infer<typeof RcmProductTypeSchema>) {
  const sampleTypeElement = raster.get("sampleType");
  const sampleType = sampleTypeElement.value(SAMPLE_TYPE);
  if (sampleType !== SAMPLE_TYPES[productType]) {
    throw raster.error(
      `<${sampleTypeElement.path}> ${sampleType} is not the sample type of ${productType} products (${SAMPLE_TYPES[productType]})`,
    );
  }
  const dataTypeElement = raster.get("dataType");
  const dataType = dataTypeElement.value(DATA_TYPE);
  const bitsElement = raster.get("bitsPerSample");
  const bitsPerSample = bitsElement.value(integerText);
  if (bitsPerSample !== BITS[dataType]) {
    throw raster.error(
      `<${bitsElement.path}> ${bitsPerSample} is not the sample size of <${dataTypeElement.path}> ${dataType} (${BITS[dataType]})`,
    );
  }
  return {
    sampleType,
    dataType,
    bitsPerSample: BITS[dataType],
    pixelSpacing: raster.get("sampledPixelSpacing").value(positiveText),
    lineSpacing: raster.get("sampledLineSpacing").value(positiveText),
    lineTimeOrdering: raster.get("lineTimeOrdering").value(TIME_ORDERING),
    pixelTimeOrdering: raster.get("pixelTimeOrdering").value(TIME_ORDERING),
  };
}

/** GeoTIFF: one image per channel. A NITF 2.1 product holds every channel in one file, which is not read here. */
function checkProductFormat(reference: XmlElement): void {
  const format = reference.find("productFormat");
  if (format !== undefined && format.text() !== "GeoTIFF") {
    throw reference.error(
      `<${format.path}> is ${JSON.stringify(format.text())}: only GeoTIFF products are read`,
    );
  }
}

/**
 * sceneAttributes/imageAttributes: the one entry of a single-beam product. ScanSAR SLCs list one per beam, which
 * GDAL's driver refuses too ("Only RCM with Complex Single-beam is supported").
 */
function readSceneImage(scene: XmlElement): XmlElement {
  const entries = scene.get("numberOfEntries");
  const count = entries.value(COUNT);
  if (count !== 1) {
    throw scene.error(`<${entries.path}> is ${count}: only single-beam products (one image entry) are read`);
  }
  return scene.get("imageAttributes");
}

/** An incidence angle element, when the product has it: absent is fine, present must be an angle. */
function optionalAngle(image: XmlElement, name: string): number | undefined {
  return image.find(name)?.value(angleText(0, 90));
}

/** Where each model field comes from, for the checks only the whole model makes. */
const ELEMENTS: Readonly<Record<string, string>> = {
  satellite: "sourceAttributes/satellite",
  beamMode: "sourceAttributes/beamModeMnemonic",
  channels: "sourceAttributes/radarParameters/polarizations",
  tiePoints: "imageReferenceAttributes/geographicInformation/geolocationGrid",
  rpc: "imageReferenceAttributes/geographicInformation/rationalFunctions",
  lutFiles: "imageReferenceAttributes/lookupTableFileName",
  noiseFiles: "imageReferenceAttributes/noiseLevelFileName",
  incidenceAngleFile: "imageReferenceAttributes/incidenceAngleFileName",
  imageFiles: "sceneAttributes/imageAttributes/ipdf",
};
