import type { SceneProduct } from "../common/products.js";
import type { SensorName } from "./sensor-name.js";

// What the API and the job spec know of a sensor: its ids, bands and products, all without touching storage or
// GDAL (the API process never loads it). The worker's side of a sensor (sensor.ts) builds on this.

/** A scene id a sensor recognised. */
export interface ParsedScene {
  /** The id as storage and outputs name it (a Sentinel-2 id without .SAFE). */
  readonly id: string;
  /** Acquisition date, YYYY-MM-DD. */
  readonly acquired: string;
}

export interface SensorIdentity<Scene extends ParsedScene = ParsedScene> {
  readonly name: SensorName;
  /** "Landsat 8/9", for messages. */
  readonly title: string;
  /** Optical scenes make the request's product; radar scenes its calibration, filter and units. */
  readonly kind: "optical" | "radar";
  /** Examples of the id forms it accepts, for the message that refuses an id no sensor knows. */
  readonly idForms: readonly string[];
  /** undefined when the id is not of this sensor's form at all; throws SceneIdError when it is, but is wrong. */
  parseId(id: string): Scene | undefined;
  /** Every band name PARAMS or a request may give. */
  readonly bandNames: readonly string[];
  /** The products the scene's level can give, known from the id alone. */
  productsFor(scene: Scene): readonly SceneProduct[];
  /** The product made when neither the request nor PARAMS names one. */
  defaultProduct(scene: Scene): SceneProduct;
  /** The least ground one scene images, in m²: a whole scene's output covers at least this much. */
  readonly minSceneAreaM2: number;
}
