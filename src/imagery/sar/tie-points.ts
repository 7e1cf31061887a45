import type { TiePoint } from "../radarsat2/radarsat2-product-schema.js";
import type { XmlElement } from "../sentinel2/xml-element.js";
import { angleText, numberText } from "../sentinel2/xml-text.js";

// A geolocation grid's imageTiePoint elements, as RADARSAT-2 and RCM product.xml both write them.

export function readTiePoints(grid: XmlElement): TiePoint[] {
  const points = grid.children("imageTiePoint");
  if (points.length === 0) throw grid.error(`no <${grid.path}/imageTiePoint>`);
  return points.map((point) => ({
    line: point.get("imageCoordinate/line").value(numberText),
    pixel: point.get("imageCoordinate/pixel").value(numberText),
    lat: point.get("geodeticCoordinate/latitude").value(angleText(-90, 90)),
    lon: point.get("geodeticCoordinate/longitude").value(angleText(-180, 180)),
    height: point.find("geodeticCoordinate/height")?.value(numberText) ?? 0,
  }));
}
