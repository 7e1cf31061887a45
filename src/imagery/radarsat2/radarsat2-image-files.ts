import { CalibrationSchema, type Calibration } from "../../common/radar.js";
import type { XmlElement } from "../sentinel2/xml-element.js";
import { nonEmptyText } from "../sentinel2/xml-text.js";
import {
  LUT_CORRECTIONS,
  ProductFileSchema,
  Radarsat2PolarisationSchema,
  type Radarsat2Polarisation,
  type Radarsat2ProductType,
} from "./radarsat2-product-schema.js";

// The files imageAttributes lists: a lookupTable per calibration and a fullResolutionImageData per polarisation,
// checked against the polarisations the product states, so a product never plans a band it has no file for.

/** SSG and SPG products carry no LUTs (RN-RP-51-2713; GDAL offers no calibration for them). */
const WITHOUT_LUTS: readonly Radarsat2ProductType[] = ["SSG", "SPG"];

/** The LUT file of each calibration; every one is required but for SSG and SPG. */
export function readLutFiles(
  image: XmlElement,
  productType: Radarsat2ProductType,
): Partial<Record<Calibration, string>> {
  const files: Partial<Record<Calibration, string>> = {};
  for (const table of image.children("lookupTable")) {
    const correction = table.attributeValue("incidenceAngleCorrection", nonEmptyText);
    const calibration = CalibrationSchema.options.find((c) => LUT_CORRECTIONS[c] === correction);
    if (calibration === undefined) {
      const known = Object.values(LUT_CORRECTIONS).join(", ");
      throw table.error(`<${table.path}> incidenceAngleCorrection ${correction} is not one of ${known}`);
    }
    if (files[calibration] !== undefined)
      throw table.error(`<${table.path}> for ${correction} appears twice`);
    files[calibration] = table.value(ProductFileSchema);
  }
  if (!WITHOUT_LUTS.includes(productType)) {
    for (const calibration of CalibrationSchema.options) {
      if (files[calibration] === undefined) {
        throw image.error(
          `no <${image.path}/lookupTable incidenceAngleCorrection="${LUT_CORRECTIONS[calibration]}">, which ${productType} products carry`,
        );
      }
    }
  }
  return files;
}

/** The image file of each polarisation; exactly the polarisations the product states must have one. */
export function readImageFiles(
  image: XmlElement,
  polarisations: readonly Radarsat2Polarisation[],
  polarisationsElement: XmlElement,
): Partial<Record<Radarsat2Polarisation, string>> {
  const files: Partial<Record<Radarsat2Polarisation, string>> = {};
  for (const data of image.children("fullResolutionImageData")) {
    const pole = data.attributeValue("pole", Radarsat2PolarisationSchema);
    if (files[pole] !== undefined) throw data.error(`<${data.path} pole="${pole}"> appears twice`);
    if (!polarisations.includes(pole)) {
      throw data.error(
        `<${data.path} pole="${pole}"> is not one of the polarisations <${polarisationsElement.path}> states (${polarisations.join(" ")})`,
      );
    }
    files[pole] = data.value(ProductFileSchema);
  }
  for (const pole of polarisations) {
    if (files[pole] === undefined) {
      throw image.error(
        `no <${image.path}/fullResolutionImageData pole="${pole}">, though <${polarisationsElement.path}> states ${pole}`,
      );
    }
  }
  return files;
}

/** sourceAttributes/radarParameters/polarizations: "HH HV" -> ["HH", "HV"]. */
export function readPolarisations(element: XmlElement): Radarsat2Polarisation[] {
  const tokens = element
    .text()
    .split(/\s+/)
    .filter((t) => t !== "");
  if (tokens.length < 1 || tokens.length > 4) {
    throw element.error(`<${element.path}> holds ${tokens.length} polarisations, not 1 to 4`);
  }
  return tokens.map((token, i) => {
    const parsed = Radarsat2PolarisationSchema.safeParse(token);
    if (!parsed.success) {
      throw element.error(
        `<${element.path}> ${JSON.stringify(token)} ${parsed.error.issues[0]?.message ?? ""}`,
      );
    }
    if (tokens.indexOf(token) !== i) throw element.error(`<${element.path}> names ${token} twice`);
    return parsed.data;
  });
}
