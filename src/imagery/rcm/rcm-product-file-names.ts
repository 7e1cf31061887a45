import { CalibrationSchema, type Calibration } from "../../common/radar.js";
import type { XmlElement } from "../sentinel2/xml-element.js";
import { nonEmptyText } from "../sentinel2/xml-text.js";
import { CALIBRATION_DIR, METADATA_DIR, resolveRcmFile } from "./rcm-product-files.js";
import { ProductFileSchema } from "../radarsat2/radarsat2-product-schema.js";
import {
  COMPACT_CHANNELS,
  GEOCODED_TYPES,
  RcmChannelSchema,
  SAR_CALIBRATION_TYPES,
  type RcmChannel,
  type RcmProductType,
} from "./rcm-product-schema.js";

// The files product.xml lists: an ipdf per channel (sceneAttributes/imageAttributes), and per channel a
// lookupTableFileName per calibration and a noiseLevelFileName (imageReferenceAttributes), checked against the
// channels the product states, so a product never plans a band it has no file for. MLC's cross-correlation
// channel XC has an image, LUTs and noise levels of its own, which GDAL's driver skips, and so does this.

/** The pole of MLC's cross-correlation image, which is no channel a band is made from. */
const CROSS_CORRELATION = "XC";

/** sourceAttributes/radarParameters/polarizations: "VH VV" -> ["VH", "VV"]. */
export function readChannels(element: XmlElement): RcmChannel[] {
  const tokens = element
    .text()
    .split(/\s+/)
    .filter((t) => t !== "");
  if (tokens.length < 1 || tokens.length > 4) {
    throw element.error(`<${element.path}> holds ${tokens.length} channels, not 1 to 4`);
  }
  const channels = tokens.map((token, i) => {
    const parsed = RcmChannelSchema.safeParse(token);
    if (!parsed.success) {
      throw element.error(
        `<${element.path}> ${JSON.stringify(token)} ${parsed.error.issues[0]?.message ?? ""}`,
      );
    }
    if (tokens.indexOf(token) !== i) throw element.error(`<${element.path}> names ${token} twice`);
    return parsed.data;
  });
  const compact = channels.filter((channel) => COMPACT_CHANNELS.includes(channel));
  if (compact.length > 0 && compact.length < channels.length) {
    throw element.error(`<${element.path}> mixes compact-polarimetry channels with linear ones`);
  }
  return channels;
}

/** Each channel's image (ipdf, relative to metadata/); exactly the channels the product states must have one. */
export function readImageFiles(
  image: XmlElement,
  channels: readonly RcmChannel[],
  channelsElement: XmlElement,
): Partial<Record<RcmChannel, string>> {
  const files: Partial<Record<RcmChannel, string>> = {};
  for (const ipdf of image.children("ipdf")) {
    if (ipdf.attribute("pole") === CROSS_CORRELATION) continue;
    const channel = poleOf(ipdf, channels, channelsElement);
    if (files[channel] !== undefined) throw ipdf.error(`<${ipdf.path} pole="${channel}"> appears twice`);
    files[channel] = fileOf(ipdf, METADATA_DIR, `pole="${channel}"`);
  }
  for (const channel of channels) {
    if (files[channel] === undefined) {
      throw image.error(
        `no <${image.path}/ipdf pole="${channel}">, though <${channelsElement.path}> states ${channel}` +
          ` (an image per channel, in GeoTIFF, is what the service reads)`,
      );
    }
  }
  return files;
}

/** Each channel's LUT per calibration; every one is required but for geocoded (GCD, GCC) products. */
export function readLutFiles(
  reference: XmlElement,
  channels: readonly RcmChannel[],
  channelsElement: XmlElement,
  productType: RcmProductType,
): Partial<Record<RcmChannel, Partial<Record<Calibration, string>>>> {
  const files: Partial<Record<RcmChannel, Partial<Record<Calibration, string>>>> = {};
  for (const table of reference.children("lookupTableFileName")) {
    if (table.attribute("pole") === CROSS_CORRELATION) continue;
    const channel = poleOf(table, channels, channelsElement);
    const type = table.attributeValue("sarCalibrationType", nonEmptyText);
    const calibration = CalibrationSchema.options.find((c) => SAR_CALIBRATION_TYPES[c] === type);
    if (calibration === undefined) {
      const known = Object.values(SAR_CALIBRATION_TYPES).join(", ");
      throw table.error(`<${table.path}> sarCalibrationType ${type} is not one of ${known}`);
    }
    const forChannel = (files[channel] ??= {});
    const what = `sarCalibrationType="${type}" pole="${channel}"`;
    if (forChannel[calibration] !== undefined) throw table.error(`<${table.path} ${what}> appears twice`);
    forChannel[calibration] = fileOf(table, CALIBRATION_DIR, what);
  }
  if (!GEOCODED_TYPES.includes(productType)) {
    for (const channel of channels) {
      for (const calibration of CalibrationSchema.options) {
        if (files[channel]?.[calibration] === undefined) {
          throw reference.error(
            `no <${reference.path}/lookupTableFileName sarCalibrationType="${SAR_CALIBRATION_TYPES[calibration]}" pole="${channel}">, which ${productType} products carry`,
          );
        }
      }
    }
  }
  return files;
}

/** Each channel's noise-level file, where the product lists one (GDAL calibrates without them too). */
export function readNoiseFiles(
  reference: XmlElement,
  channels: readonly RcmChannel[],
  channelsElement: XmlElement,
): Partial<Record<RcmChannel, string>> {
  const files: Partial<Record<RcmChannel, string>> = {};
  for (const noise of reference.children("noiseLevelFileName")) {
    if (noise.attribute("pole") === CROSS_CORRELATION) continue;
    const channel = poleOf(noise, channels, channelsElement);
    if (files[channel] !== undefined) throw noise.error(`<${noise.path} pole="${channel}"> appears twice`);
    files[channel] = fileOf(noise, CALIBRATION_DIR, `pole="${channel}"`);
  }
  return files;
}

/** imageReferenceAttributes/incidenceAngleFileName, where the product lists it. */
export function readIncidenceAngleFile(reference: XmlElement): string | undefined {
  const element = reference.find("incidenceAngleFileName");
  return element === undefined ? undefined : fileOf(element, CALIBRATION_DIR, "");
}

/** An element's pole attribute: one of the channels the product states. */
function poleOf(
  element: XmlElement,
  channels: readonly RcmChannel[],
  channelsElement: XmlElement,
): RcmChannel {
  const pole = element.attributeValue("pole", RcmChannelSchema);
  if (!channels.includes(pole)) {
    throw element.error(
      `<${element.path} pole="${pole}"> is not one of the channels <${channelsElement.path}> states (${channels.join(" ")})`,
    );
  }
  return pole;
}

/** An element's text as a file relative to the product folder; one outside the product throws naming it. */
function fileOf(element: XmlElement, dir: string, attributes: string): string {
  const name = element.value(nonEmptyText);
  const parsed = ProductFileSchema.safeParse(resolveRcmFile(dir, name));
  if (!parsed.success) {
    const what = attributes === "" ? element.path : `${element.path} ${attributes}`;
    throw element.error(`<${what}> ${JSON.stringify(name)} is not a file inside the product`);
  }
  return parsed.data;
}
