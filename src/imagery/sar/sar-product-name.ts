// Pieces of RADARSAT-2 and RCM product names that read alike: the order and product keys (OK1234, PK5678) and
// the acquisition date and time (YYYYMMDD_HHMMSS). Pure: the API checks ids with them.

/** Fails unless `part` is `prefix` followed by digits. */
export function productKey(part: string, prefix: string, what: string, fail: (why: string) => never): void {
  if (!new RegExp(`^${prefix}\\d+$`).test(part))
    fail(`${what} key ${part} is not ${prefix} followed by digits`);
}

/**
 * YYYYMMDD and HHMMSS -> ISO 8601 UTC; fails when they are not a real date and time, or fall before the
 * satellite's launch (YYYY-MM-DD).
 */
export function productNameTime(
  date: string,
  time: string,
  launch: { readonly satellite: string; readonly date: string },
  fail: (why: string) => never,
): string {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(date) ?? fail(`date ${date} is not YYYYMMDD`);
  const t = /^(\d{2})(\d{2})(\d{2})$/.exec(time) ?? fail(`time ${time} is not HHMMSS`);
  const [, y = "", mo = "", day = ""] = d;
  const [, h = "", mi = "", s = ""] = t;
  const iso = `${y}-${mo}-${day}T${h}:${mi}:${s}Z`;
  const parsed = new Date(iso);
  // Date accepts 24:00:00 and rolls Feb 30 over: a real time formats back to itself.
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().replace(".000Z", "Z") !== iso) {
    fail(`${date}_${time} is not a real date and time`);
  }
  if (iso.slice(0, 10) < launch.date) {
    fail(`date ${date} is before ${launch.satellite} was launched (${launch.date})`);
  }
  return iso;
}
