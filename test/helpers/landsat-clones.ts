import path from "node:path";
import { cloneLandsatScene } from "../../scripts/clone-landsat-scene.mjs";
import type { Sandbox } from "./sandbox.js";

// Jobs of many scenes from one real fixture: copies of a sandbox's Landsat scene under other product ids.

/** `count` scene ids: the sandbox's scene itself, then copies of it a day apart. */
export async function landsatClones(
  sandbox: Sandbox,
  scene: { id: string; path: string; row: string },
  count: number,
): Promise<string[]> {
  const dir = path.join(sandbox.storage, "l8-l2a-products", "tiles", scene.path, scene.row, scene.id);
  const ids = [scene.id];
  for (let day = 1; day < count; day++) ids.push(await cloneLandsatScene(dir, day));
  return ids;
}
