import { SceneIdError } from "../scene-id-error.js";

export { SceneIdError };

// Landsat 8/9 scene identifiers: which forms USGS has issued, and where a scene sits on the WRS-2 grid.

export type LandsatLevel = "L1TP" | "L1GT" | "L1GS" | "L2SP" | "L2SR";

export interface LandsatSceneId {
  readonly id: string;
  /** "LC" (OLI and TIRS), "LO" (OLI only) or "LT" (TIRS only). */
  readonly sensor: "LC" | "LO" | "LT";
  readonly satellite: 8 | 9;
  /** WRS-2 path and row, zero-padded to three digits as in the storage layout. */
  readonly path: string;
  readonly row: string;
  /** Acquisition date, YYYY-MM-DD. */
  readonly acquired: string;
  /** null for pre-collection ids, which carry no level. */
  readonly level: LandsatLevel | null;
  /** 1 or 2 for collection product ids, null for pre-collection scene ids. */
  readonly collection: 1 | 2 | null;
  /** Tier: "T1", "T2" or "RT"; null for pre-collection ids. */
  readonly category: "T1" | "T2" | "RT" | null;
}

// LC08_L1TP_015028_20200814_20200822_01_T1
const PRODUCT_ID = new RegExp(
  "^(?<sensor>L[COT])0(?<satellite>[89])_(?<level>L1TP|L1GT|L1GS|L2SP|L2SR)_(?<path>\\d{3})(?<row>\\d{3})" +
    "_(?<acquired>\\d{8})_(?<processed>\\d{8})_(?<collection>0[12])_(?<category>T1|T2|RT)$",
);
// LC80150282020227LGN00: sensor, satellite, path, row, year, day of year, ground station, archive version
const PRE_COLLECTION_ID =
  /^(?<sensor>L[COT])(?<satellite>[89])(?<path>\d{3})(?<row>\d{3})(?<year>\d{4})(?<doy>\d{3})[A-Z]{3}\d{2}$/;

/** Parses every Landsat 8/9 id form (pre-collection, Collection 1 and 2, Level-1 and Level-2). */
export function parseLandsatSceneId(id: string): LandsatSceneId {
  const product = PRODUCT_ID.exec(id)?.groups;
  if (product !== undefined) {
    const g = (name: string): string => product[name] ?? "";
    const path = g("path");
    const row = g("row");
    checkPathRow(id, path, row);
    const acquired = compactDate(id, "acquisition", g("acquired"));
    const processed = compactDate(id, "processing", g("processed"));
    if (processed < acquired) throw new SceneIdError(`${id}: processing date is before the acquisition date`);
    const level = g("level") as LandsatLevel;
    const collection = g("collection") === "01" ? 1 : 2;
    if (collection === 1 && level.startsWith("L2")) {
      throw new SceneIdError(`${id}: Collection 1 has no ${level} products`);
    }
    return {
      id,
      sensor: g("sensor") as LandsatSceneId["sensor"],
      satellite: g("satellite") === "8" ? 8 : 9,
      path,
      row,
      acquired,
      level,
      collection,
      category: g("category") as "T1" | "T2" | "RT",
    };
  }
  const pre = PRE_COLLECTION_ID.exec(id)?.groups;
  if (pre !== undefined) {
    const g = (name: string): string => pre[name] ?? "";
    checkPathRow(id, g("path"), g("row"));
    return {
      id,
      sensor: g("sensor") as LandsatSceneId["sensor"],
      satellite: g("satellite") === "8" ? 8 : 9,
      path: g("path"),
      row: g("row"),
      acquired: dayOfYearDate(id, Number(g("year")), Number(g("doy"))),
      level: null,
      collection: null,
      category: null,
    };
  }
  throw new SceneIdError(
    `${id}: not a Landsat 8/9 scene id (expected e.g. LC08_L1TP_015028_20200814_20200822_01_T1 or LC80150282020227LGN00)`,
  );
}

function checkPathRow(id: string, path: string, row: string): void {
  const p = Number(path);
  const r = Number(row);
  if (p < 1 || p > 233) throw new SceneIdError(`${id}: WRS-2 path ${path} is outside 001-233`);
  if (r < 1 || r > 248) throw new SceneIdError(`${id}: WRS-2 row ${row} is outside 001-248`);
}

// Landsat 8 launched in 2013; nothing carries an earlier date.
const FIRST_YEAR = 2013;

function compactDate(id: string, what: string, yyyymmdd: string): string {
  const [y, m, d] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)];
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  const iso = `${y}-${m}-${d}`;
  if (Number(y) < FIRST_YEAR || date.toISOString().slice(0, 10) !== iso) {
    throw new SceneIdError(`${id}: ${what} date ${yyyymmdd} is not a valid date`);
  }
  return iso;
}

function dayOfYearDate(id: string, year: number, doy: number): string {
  const date = new Date(Date.UTC(year, 0, doy));
  if (year < FIRST_YEAR || doy < 1 || date.getUTCFullYear() !== year) {
    throw new SceneIdError(`${id}: day of year ${year}/${doy} is not a valid date`);
  }
  return date.toISOString().slice(0, 10);
}

/**
 * The ground a Landsat 8/9 scene images at the least (185 km across track by 180 km along it, in m²): a scene's
 * output without a clip covers at least this much, so a request can be refused before any scene is read.
 */
export const LANDSAT_SCENE_MIN_AREA_M2 = 185_000 * 180_000;
