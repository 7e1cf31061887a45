// Copies of a real Landsat scene under other product ids, for jobs of many scenes (the fan-out tests and the
// pool benchmark): the same pixels and metadata, the acquisition and processing days in the id (and the MTL's
// product id) moved by `day` days so that each copy is a scene of its own. Used by test/helpers/landsat-clones.ts and
// scripts/bench-pool.mjs.

import fs from "node:fs/promises";
import path from "node:path";

/**
 * Copies `sceneDir` (a folder named by its product id, e.g. LC08_L1TP_016037_20170813_20170814_01_RT) beside
 * itself as the same scene acquired `day` days later; returns the copy's product id.
 */
export async function cloneLandsatScene(sceneDir, day) {
  const id = path.basename(sceneDir);
  const parts = id.split("_");
  if (parts.length !== 7 || !/^\d{8}$/.test(parts[3]) || !/^\d{8}$/.test(parts[4]))
    throw new Error(`not a Landsat product id: ${id}`);
  parts[3] = laterDay(parts[3], day);
  parts[4] = laterDay(parts[4], day);
  const cloneId = parts.join("_");
  const target = path.join(path.dirname(sceneDir), cloneId);
  await fs.mkdir(target, { recursive: true });
  for (const name of await fs.readdir(sceneDir)) {
    const from = path.join(sceneDir, name);
    const to = path.join(target, name.replace(id, cloneId));
    if (/_MTL\.(txt|json|xml)$/.test(name)) {
      await fs.writeFile(to, (await fs.readFile(from, "utf8")).replaceAll(id, cloneId));
    } else {
      await fs.copyFile(from, to);
    }
    await fs.chmod(to, 0o644);
  }
  return cloneId;
}

/** yyyymmdd `days` days later. */
function laterDay(compact, days) {
  const date = new Date(`${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10).replaceAll("-", "");
}
