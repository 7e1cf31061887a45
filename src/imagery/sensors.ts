import { landsatSensor } from "./landsat/landsat-sensor.js";
import { radarsat2Sensor } from "./radarsat2/radarsat2-sensor.js";
import { rcmSensor } from "./rcm/rcm-sensor.js";
import type { SensorName } from "./sensor-name.js";
import type { Sensor } from "./sensor.js";
import { sentinel2Sensor } from "./sentinel2/sentinel2-sensor.js";

// The worker's registry: each sensor's reader by its PARAMS name (identify-scene.ts finds the name from an id).

const SENSORS: Readonly<Record<SensorName, Sensor>> = {
  LC8: landsatSensor,
  S2: sentinel2Sensor,
  RS2: radarsat2Sensor,
  RCM: rcmSensor,
};

export function sensorNamed(name: SensorName): Sensor {
  return SENSORS[name];
}
