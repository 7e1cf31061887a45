import { opticalProduct } from "../../common/products.js";
import path from "node:path";
import type { Sensor } from "../sensor.js";
import { LandsatBandSchema } from "./landsat-bands.js";
import { LANDSAT_TRUE_COLOUR, landsatDescription } from "./landsat-description.js";
import { landsatIdentity } from "./landsat-identity.js";
import { readLandsatMetadata } from "./landsat-metadata.js";
import { planLandsatBands } from "./landsat-scene-plan.js";
import type { LandsatSceneId } from "./landsat-scene-id.js";
import { LANDSAT_TILES, locateLandsatScene } from "./landsat-storage.js";
import { readMtl } from "./mtl.js";

// Landsat 8/9 in the worker: scenes are folders at l8-l2a-products/tiles/<path>/<row>/<scene_id>/, read through
// their MTL (txt or json) into a plan of bands with the QA_PIXEL/BQA mask.

export const landsatSensor: Sensor<LandsatSceneId> = {
  ...landsatIdentity,
  async locate(imageryStorage, scene) {
    const dir = await locateLandsatScene(imageryStorage, scene);
    return dir === undefined
      ? { found: false, where: path.join(LANDSAT_TILES, scene.path, scene.row, scene.id) }
      : { found: true, source: dir, kind: "folder" };
  },
  readRoot: (dir) => dir,
  async plan(root, scene, request) {
    const metadata = readLandsatMetadata(await readMtl(root, scene.id));
    const { bands, qaMask } = planLandsatBands({
      sceneDir: root,
      metadata,
      bands: request.bands.map((band) => LandsatBandSchema.parse(band)),
      product: opticalProduct(request.product),
      reflectanceType: request.reflectanceType,
      mask: request.mask,
    });
    return {
      bands,
      qaMask,
      description: landsatDescription(scene.id, metadata),
      look: { trueColour: LANDSAT_TRUE_COLOUR },
    };
  },
};
