import { z } from "zod";
import { bandOfBandId, physicalBandName, type Sentinel2Band } from "./sentinel2-bands.js";
import { hasAddOffsets, isBaseline } from "./sentinel2-baseline.js";
import { readImageFiles, type Sentinel2ImageFiles } from "./sentinel2-image-files.js";
import type { Sentinel2Metadata } from "./sentinel2-metadata-schema.js";
import type { Sentinel2Level } from "./sentinel2-scene-id.js";
import { XmlElement } from "./xml-element.js";
import { integerText, nonEmptyText, numberText, percentText, positiveText, timeText } from "./xml-text.js";

// The product-level metadata file, MTD_MSIL1C.xml or MTD_MSIL2A.xml: identity, radiometry (quantification value
// and, from baseline 04.00, per-band offsets), special values, cloud cover, footprint and the band files.

export const PRODUCT_MTD: Readonly<Record<Sentinel2Level, string>> = {
  L1C: "MTD_MSIL1C.xml",
  L2A: "MTD_MSIL2A.xml",
};

/** Where each level keeps its radiometry, below General_Info/Product_Image_Characteristics. */
const RADIOMETRY = {
  L1C: {
    quantification: "QUANTIFICATION_VALUE",
    offsets: "Radiometric_Offset_List",
    offset: "RADIO_ADD_OFFSET",
  },
  L2A: {
    quantification: "QUANTIFICATION_VALUES_LIST/BOA_QUANTIFICATION_VALUE",
    offsets: "BOA_ADD_OFFSET_VALUES_LIST",
    offset: "BOA_ADD_OFFSET",
  },
} as const;

const PROCESSING_LEVELS: Readonly<Record<Sentinel2Level, string>> = { L1C: "Level-1C", L2A: "Level-2A" };
const SPACECRAFT = z.enum(["Sentinel-2A", "Sentinel-2B", "Sentinel-2C"], {
  error: "is not Sentinel-2A, -2B or -2C",
});

export type Sentinel2ProductMtd = Omit<
  Sentinel2Metadata,
  | "tileSensingTime"
  | "tileId"
  | "sunZenith"
  | "sunAzimuth"
  | "epsg"
  | "classificationMaskFile"
  | keyof Sentinel2ImageFiles
> & { readonly images: Sentinel2ImageFiles };

/** Reads the product metadata of a product of the given level; the first fault throws naming its element. */
export function readProductMtd(text: string, level: Sentinel2Level): Sentinel2ProductMtd {
  const root = XmlElement.parse(text, PRODUCT_MTD[level]);
  const info = root.get("General_Info/Product_Info");
  const processingLevel = info.get("PROCESSING_LEVEL").value(nonEmptyText);
  if (processingLevel !== PROCESSING_LEVELS[level]) {
    throw root.error(
      `<${info.path}/PROCESSING_LEVEL> is ${processingLevel}, not ${PROCESSING_LEVELS[level]}`,
    );
  }
  const baselineElement = info.get("PROCESSING_BASELINE");
  const processingBaseline = baselineElement.value(nonEmptyText);
  if (!isBaseline(processingBaseline)) {
    throw root.error(`<${baselineElement.path}> is not NN.NN: ${JSON.stringify(processingBaseline)}`);
  }
  const datatake = info.get("Datatake");
  const image = root.get("General_Info/Product_Image_Characteristics");
  const granules = info.find("Product_Organisation/Granule_List")?.children("Granule") ?? [];
  if (!granules.some((g) => g.children("IMAGE_FILE").length > 0)) {
    throw root.error(`no <${info.path}/Product_Organisation/Granule_List/Granule/IMAGE_FILE>`);
  }
  checkBandIds(image);
  const special = specialValues(image);
  return {
    productId: info
      .get("PRODUCT_URI")
      .value(nonEmptyText)
      .replace(/\.SAFE$/, ""),
    level,
    satellite:
      `S2${datatake.get("SPACECRAFT_NAME").value(SPACECRAFT).slice(-1)}` as Sentinel2Metadata["satellite"],
    processingBaseline,
    sensingTime: info.get("PRODUCT_START_TIME").value(timeText),
    generationTime: info.get("GENERATION_TIME").value(timeText),
    quantificationValue: image.get(RADIOMETRY[level].quantification).value(positiveText),
    addOffsets: addOffsets(image, level, processingBaseline),
    nodata: special("NODATA"),
    saturated: special("SATURATED"),
    cloudCover: root.get("Quality_Indicators_Info/Cloud_Coverage_Assessment").value(percentText),
    datatakeId: datatake.attributeValue("datatakeIdentifier", nonEmptyText),
    orbit: datatake.get("SENSING_ORBIT_NUMBER").value(integerText),
    orbitDirection: datatake.get("SENSING_ORBIT_DIRECTION").value(z.enum(["ASCENDING", "DESCENDING"])),
    footprint: footprint(
      root.get("Geometric_Info/Product_Footprint/Product_Footprint/Global_Footprint/EXT_POS_LIST"),
    ),
    images: readImageFiles(granules),
  };
}

/** Per-band offsets: required for every band from baseline 04.00; before it, an absent list means 0. */
function addOffsets(
  image: XmlElement,
  level: Sentinel2Level,
  baseline: string,
): Partial<Record<Sentinel2Band, number>> {
  const { offsets: listName, offset: entryName } = RADIOMETRY[level];
  const list = image.find(listName);
  const required = hasAddOffsets(baseline);
  if (list === undefined) {
    if (!required) return {};
    throw image.error(
      `no <${image.path}/${listName}>, which products of baseline ${baseline} (04.00 on) carry`,
    );
  }
  const offsets: Partial<Record<Sentinel2Band, number>> = {};
  for (const entry of list.children(entryName)) {
    const id = entry.attributeValue("band_id", integerText);
    const band = bandOfBandId(id) ?? entryFail(entry, `band_id ${id} is not a band (0-12)`);
    if (offsets[band] !== undefined) entryFail(entry, `band_id ${id} appears twice`);
    offsets[band] = entry.value(numberText);
  }
  if (required) {
    for (let id = 0; id <= 12; id++) {
      if (offsets[bandOfBandId(id)!] === undefined)
        throw list.error(`no <${list.path}/${entryName} band_id="${id}">`);
    }
  }
  return offsets;
}

function entryFail(entry: XmlElement, problem: string): never {
  throw entry.error(`<${entry.path}> ${problem}`);
}

/** The band_id numbering this reader assumes (B01..B08, B8A, B09..B12), checked where the product states it. */
function checkBandIds(image: XmlElement): void {
  for (const info of image.find("Spectral_Information_List")?.children("Spectral_Information") ?? []) {
    const id = info.attributeValue("bandId", integerText);
    const band = bandOfBandId(id);
    const physical = info.attribute("physicalBand");
    if (band === undefined || physical !== physicalBandName(band)) {
      throw info.error(
        `<${info.path} bandId="${id}"> is ${physical ?? "no band"}, not the expected ${band ?? "0-12"}`,
      );
    }
  }
}

function specialValues(image: XmlElement): (name: "NODATA" | "SATURATED") => number {
  const values = new Map<string, number>();
  for (const special of image.children("Special_Values")) {
    values.set(
      special.get("SPECIAL_VALUE_TEXT").value(nonEmptyText),
      special.get("SPECIAL_VALUE_INDEX").value(integerText),
    );
  }
  return (name) => values.get(name) ?? entryFail(image, `has no Special_Values for ${name}`);
}

/** EXT_POS_LIST: "lat lon lat lon ..." -> a closed [lon, lat] ring. */
function footprint(element: XmlElement): [number, number][] {
  const numbers = element
    .text()
    .split(/\s+/)
    .filter((t) => t !== "")
    .map((t) => numberText.safeParse(t));
  if (numbers.some((n) => !n.success) || numbers.length % 2 !== 0 || numbers.length < 6) {
    throw element.error(`<${element.path}> is not a list of at least 3 latitude longitude pairs`);
  }
  const values = numbers.map((n) => n.data!);
  const ring: [number, number][] = [];
  for (let i = 0; i < values.length; i += 2) ring.push([values[i + 1]!, values[i]!]);
  const [first, last] = [ring[0]!, ring[ring.length - 1]!];
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]]);
  return ring;
}
