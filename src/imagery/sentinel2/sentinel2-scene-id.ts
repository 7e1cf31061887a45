import { SceneIdError } from "../scene-id-error.js";

// Sentinel-2 product names (the "compact" SAFE naming ESA has used since December 2016), parsed without touching
// the disk: the API checks ids with this before a job is accepted, and the API process never loads GDAL.

export type Sentinel2Satellite = "S2A" | "S2B" | "S2C";
export type Sentinel2Level = "L1C" | "L2A";

export interface Sentinel2SceneId {
  /** The product name without `.SAFE`. */
  readonly id: string;
  readonly satellite: Sentinel2Satellite;
  readonly level: Sentinel2Level;
  /** Datatake sensing start, ISO 8601 UTC. */
  readonly sensingTime: string;
  /** Sensing date, YYYY-MM-DD. */
  readonly acquired: string;
  /** Processing baseline as the metadata writes it: N0400 -> "04.00". */
  readonly baseline: string;
  /** Relative orbit, 1-143. */
  readonly orbit: number;
  /** MGRS tile without the T: "29UNU". */
  readonly tile: string;
  /**
   * UTM zone as the storage folder names it: no leading zero ("7" for T07VEG), as in the AWS sentinel-s2-l1c and
   * sentinel-s2-l2a buckets (tiles/7/V/EG). The tile id itself keeps two digits.
   */
  readonly utmZone: string;
  readonly latitudeBand: string;
  /** The 100 km square within the zone and band: "NU". */
  readonly square: string;
  /** Product generation (discriminator) time, ISO 8601 UTC. */
  readonly generationTime: string;
}

/** How a Sentinel-2 id looks, for error messages. */
export const SENTINEL2_ID_FORM =
  "S2A|S2B|S2C_MSIL1C|MSIL2A_<YYYYMMDDTHHMMSS>_N<baseline>_R<orbit>_T<tile>_<YYYYMMDDTHHMMSS>[.SAFE]";
/** A real Sentinel-2 id, for error messages. */
export const SENTINEL2_ID_EXAMPLE = "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454";

const SATELLITES: readonly Sentinel2Satellite[] = ["S2A", "S2B", "S2C"];
const LEVELS: Readonly<Record<string, Sentinel2Level>> = { MSIL1C: "L1C", MSIL2A: "L2A" };
// MGRS: latitude bands C-X and square letters skip I and O; the row letter runs A-V.
const LATITUDE_BANDS = /^[C-HJ-NP-X]$/;
const COLUMN_LETTER = /^[A-HJ-NP-Z]$/;
const ROW_LETTER = /^[A-HJ-NP-V]$/;
// Sentinel-2A was launched in June 2015: nothing carries an earlier date.
const FIRST_YEAR = 2015;

/**
 * Parses a Sentinel-2 L1C or L2A product name, with or without `.SAFE`. Returns undefined when the string does not
 * start with S2 (it is some other sensor's id), and throws a SceneIdError naming the fault when it does but is not
 * a valid product name.
 */
export function parseSentinel2SceneId(name: string): Sentinel2SceneId | undefined {
  if (!name.startsWith("S2")) return undefined;
  const id = name.endsWith(".SAFE") ? name.slice(0, -".SAFE".length) : name;
  const fail = (why: string): never => {
    throw new SceneIdError(`${name}: ${why} (expected ${SENTINEL2_ID_FORM}, e.g. ${SENTINEL2_ID_EXAMPLE})`);
  };
  const parts = id.split("_");
  if (parts[1] === "OPER" || parts[1] === "USER") {
    fail("an old-format (pre-December 2016) product name; only compact SAFE names are read");
  }
  if (parts.length !== 7) fail(`not a Sentinel-2 product name: ${parts.length} parts separated by _, not 7`);
  const [satellite, type, sensing, baseline, orbit, tile, generation] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!SATELLITES.includes(satellite as Sentinel2Satellite)) fail(`unknown satellite ${satellite}`);
  const level = LEVELS[type] ?? fail(`product type ${type} is neither MSIL1C nor MSIL2A`);
  const sensingTime = compactTime(sensing) ?? fail(`sensing time ${sensing} is not a valid YYYYMMDDTHHMMSS`);
  if (!/^N\d{4}$/.test(baseline)) fail(`processing baseline ${baseline} is not N followed by 4 digits`);
  const orbitNumber = /^R\d{3}$/.test(orbit) ? Number(orbit.slice(1)) : fail(`orbit ${orbit} is not R###`);
  if (orbitNumber < 1 || orbitNumber > 143) fail(`relative orbit ${orbit} is outside R001-R143`);
  const mgrs = parseTile(tile, fail);
  const generationTime =
    compactTime(generation) ?? fail(`generation time ${generation} is not a valid YYYYMMDDTHHMMSS`);
  if (generationTime < sensingTime) fail("generation time is before the sensing time");
  return {
    id,
    satellite: satellite as Sentinel2Satellite,
    level,
    sensingTime,
    acquired: sensingTime.slice(0, 10),
    baseline: `${baseline.slice(1, 3)}.${baseline.slice(3)}`,
    orbit: orbitNumber,
    ...mgrs,
    generationTime,
  };
}

function parseTile(
  tile: string,
  fail: (why: string) => never,
): Pick<Sentinel2SceneId, "tile" | "utmZone" | "latitudeBand" | "square"> {
  const match = /^T(\d{2})([A-Z])([A-Z])([A-Z])$/.exec(tile);
  if (match === null) return fail(`tile ${tile} is not T followed by a two-digit zone and three letters`);
  const [, zone = "", band = "", column = "", row = ""] = match;
  const zoneNumber = Number(zone);
  if (zoneNumber < 1 || zoneNumber > 60) fail(`UTM zone ${zone} of tile ${tile} is outside 01-60`);
  if (!LATITUDE_BANDS.test(band))
    fail(`latitude band ${band} of tile ${tile} is not one of C-X without I and O`);
  if (!COLUMN_LETTER.test(column) || !ROW_LETTER.test(row)) {
    fail(`100 km square ${column}${row} of tile ${tile} is not an MGRS square (A-Z, A-V, without I and O)`);
  }
  return { tile: tile.slice(1), utmZone: String(zoneNumber), latitudeBand: band, square: `${column}${row}` };
}

/** YYYYMMDDTHHMMSS -> ISO 8601 UTC, or undefined when it is not a real date and time. */
function compactTime(text: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const [, y = "", mo = "", d = "", h = "", mi = "", s = ""] = match;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()) || Number(y) < FIRST_YEAR) return undefined;
  // Date accepts 24:00:00 and rolls it over: a real time formats back to itself.
  return date.toISOString().replace(".000Z", "Z") === iso ? iso : undefined;
}
