import { z } from "zod";
import { hasClassificationMask } from "./sentinel2-baseline.js";
import { SafeRelativePathSchema, type Sentinel2Metadata } from "./sentinel2-metadata-schema.js";
import { XmlElement } from "./xml-element.js";
import { angleText, timeText } from "./xml-text.js";

// The granule's MTD_TL.xml: what belongs to the tile rather than the product (its projection, its sensing time,
// the mean sun angles over it) and its quality masks.

export type Sentinel2TileMtd = Pick<
  Sentinel2Metadata,
  "tileId" | "tileSensingTime" | "epsg" | "sunZenith" | "sunAzimuth" | "classificationMaskFile"
>;

const TILE_ID = z.string().regex(/_T\d{2}[A-Z]{3}_/, { error: "does not name an MGRS tile (_T29UNU_)" });
const EPSG_CODE = z
  .string()
  .regex(/^EPSG:32[67](0[1-9]|[1-5]\d|60)$/, { error: "is not a UTM EPSG code (EPSG:326zz or EPSG:327zz)" })
  .transform((code) => Number(code.slice("EPSG:".length)));

/** Reads MTD_TL.xml; `file` names it in messages, `baseline` says whether a raster classification mask exists. */
export function readTileMtd(text: string, file: string, baseline: string): Sentinel2TileMtd {
  const root = XmlElement.parse(text, file);
  const tileId = /_T(\d{2}[A-Z]{3})_/.exec(root.get("General_Info/TILE_ID").value(TILE_ID))![1]!;
  const sun = root.get("Geometric_Info/Tile_Angles/Mean_Sun_Angle");
  const classificationMaskFile = hasClassificationMask(baseline) ? classificationMask(root) : undefined;
  return {
    tileId,
    tileSensingTime: root.get("General_Info/SENSING_TIME").value(timeText),
    epsg: root.get("Geometric_Info/Tile_Geocoding/HORIZONTAL_CS_CODE").value(EPSG_CODE),
    sunZenith: sun.get("ZENITH_ANGLE").value(angleText(0, 90)),
    sunAzimuth: sun.get("AZIMUTH_ANGLE").value(angleText(0, 360)),
    ...(classificationMaskFile === undefined ? {} : { classificationMaskFile }),
  };
}

/** The MSK_CLASSI mask the tile lists (baseline 04.00 on); older products keep cloud masks as GML vectors. */
function classificationMask(root: XmlElement): string | undefined {
  const masks = root.find("Quality_Indicators_Info/Pixel_Level_QI")?.children("MASK_FILENAME") ?? [];
  const classi = masks.find((mask) => mask.attribute("type") === "MSK_CLASSI");
  return classi?.value(SafeRelativePathSchema);
}
