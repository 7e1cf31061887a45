import type { ParsedScene, SensorIdentity } from "./sensor-identity.js";
import { landsatIdentity } from "./landsat/landsat-identity.js";
import { radarsat2Identity } from "./radarsat2/radarsat2-identity.js";
import { rcmIdentity } from "./rcm/rcm-identity.js";
import { SceneIdError } from "./scene-id-error.js";
import { sentinel2Identity } from "./sentinel2/sentinel2-identity.js";

// Which sensor a scene id belongs to: each sensor's pure id parser is asked in turn. The API and the job spec use
// this; the worker's registry (sensors.ts) adds the readers.

// Each identity is only ever handed scenes its own parseId made, so seeing them all as SensorIdentity is sound.
export const SENSOR_IDENTITIES: readonly SensorIdentity[] = [
  landsatIdentity,
  sentinel2Identity,
  radarsat2Identity,
  rcmIdentity,
];

export interface IdentifiedScene {
  readonly identity: SensorIdentity;
  readonly scene: ParsedScene;
}

/** The sensor and parsed id; throws SceneIdError naming what is wrong, or every sensor's id forms. */
export function identifyScene(id: string): IdentifiedScene {
  for (const identity of SENSOR_IDENTITIES) {
    const scene = identity.parseId(id);
    if (scene !== undefined) return { identity, scene };
  }
  const forms = SENSOR_IDENTITIES.map((s) => `${s.title} (e.g. ${s.idForms.join(", ")})`).join(", ");
  throw new SceneIdError(`is not a scene id of a supported sensor: ${forms}`);
}
