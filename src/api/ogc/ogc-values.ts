import { ValidationProblem } from "../problems.js";

// The OGC facade's small value rules: datetime filters, media types.

/** An RFC 3339 instant or interval ("a/b", ".." open) as a test on a time. */
export function parseInterval(text: string): (time: number) => boolean {
  const bound = (part: string | undefined, open: number): number => {
    if (part === undefined || part === "" || part === "..") return open;
    const time = Date.parse(part);
    if (Number.isNaN(time)) {
      throw new ValidationProblem(
        [{ field: "datetime", message: "must be an RFC 3339 date-time or interval" }],
        "query",
      );
    }
    return time;
  };
  const parts = text.split("/");
  if (parts.length > 2) {
    throw new ValidationProblem(
      [{ field: "datetime", message: "must be an RFC 3339 date-time or interval" }],
      "query",
    );
  }
  if (parts.length === 1) {
    const at = bound(parts[0], Number.NaN);
    return (time) => time === at;
  }
  const start = bound(parts[0], -Infinity);
  const end = bound(parts[1], Infinity);
  return (time) => time >= start && time <= end;
}

/** The media type of a published output, as its result link and its download say. */
export function mediaType(file: string): string {
  if (file.endsWith(".tif")) return "image/tiff; application=geotiff; profile=cloud-optimized";
  if (file.endsWith(".stac.json")) return "application/geo+json";
  if (file.endsWith(".json")) return "application/json";
  if (file.endsWith(".vrt")) return "application/xml";
  if (file.endsWith(".png")) return "image/png";
  return "application/octet-stream";
}
