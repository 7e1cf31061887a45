import fs from "node:fs/promises";
import path from "node:path";
import type { LandsatSceneId } from "./landsat-scene-id.js";
import { errnoCode } from "../../common/errors.js";

// Where a Landsat scene lives on the imagery volume: l8-l2a-products/tiles/<path>/<row>/<scene_id>/.

export const LANDSAT_TILES = path.join("l8-l2a-products", "tiles");

export function landsatSceneDir(imageryStorage: string, scene: LandsatSceneId): string {
  return path.join(imageryStorage, LANDSAT_TILES, scene.path, scene.row, scene.id);
}

/** The scene's folder, or undefined when it is not on the volume. */
export async function locateLandsatScene(
  imageryStorage: string,
  scene: LandsatSceneId,
): Promise<string | undefined> {
  const dir = landsatSceneDir(imageryStorage, scene);
  try {
    return (await fs.stat(dir)).isDirectory() ? dir : undefined;
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
}
