import { productKey, productNameTime } from "../sar/sar-product-name.js";
import { SceneIdError } from "../scene-id-error.js";
import type { ParsedScene } from "../sensor-identity.js";
import {
  BEAM_MODE,
  RADARSAT2_POLARISATIONS,
  RADARSAT2_PRODUCT_TYPES,
  type Radarsat2Polarisation,
  type Radarsat2ProductType,
} from "./radarsat2-product-schema.js";

// RADARSAT-2 product names as MDA delivers them (the product folder and its zip carry the name), parsed without
// touching the disk: the API checks ids with this before a job is accepted.

export interface Radarsat2SceneId extends ParsedScene {
  /** The product name: RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF. */
  readonly id: string;
  /** Order, product and delivery keys as written: "OK76385", "PK678063", "DK606752". */
  readonly orderKey: string;
  readonly productKey: string;
  readonly deliveryKey: string;
  /** W2, S3, F1, FQ2, SCWA... */
  readonly beamMode: string;
  /** Acquisition start from the name, ISO 8601 UTC to the second. */
  readonly acquisitionTime: string;
  /** Acquisition date, YYYY-MM-DD (the storage folder's date). */
  readonly acquired: string;
  /** In the order the name gives them. */
  readonly polarisations: readonly Radarsat2Polarisation[];
  readonly productType: Radarsat2ProductType;
}

/** How a RADARSAT-2 id looks, for error messages. */
export const RADARSAT2_ID_FORM =
  "RS2_OK<order>_PK<product>_DK<delivery>_<beam mode>_<YYYYMMDD>_<HHMMSS>_<1-4 of HH HV VV VH>_<SLC|SGF|SGX|SSG|SPG>";
/** A real RADARSAT-2 id, for error messages. */
export const RADARSAT2_ID_EXAMPLE = "RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF";

/**
 * Parses a RADARSAT-2 product name. Returns undefined when the string does not start with RS2_ (it is some other
 * sensor's id), and throws a SceneIdError naming the fault when it does but is not a valid product name.
 */
export function parseRadarsat2SceneId(id: string): Radarsat2SceneId | undefined {
  if (!id.startsWith("RS2_")) return undefined;
  const fail = (why: string): never => {
    throw new SceneIdError(`${id}: ${why} (expected ${RADARSAT2_ID_FORM}, e.g. ${RADARSAT2_ID_EXAMPLE})`);
  };
  const parts = id.split("_");
  if (parts.length < 9 || parts.length > 12) {
    fail(`not a RADARSAT-2 product name: ${parts.length} parts separated by _, not 9 to 12`);
  }
  const [, order = "", product = "", delivery = "", beamMode = "", date = "", time = ""] = parts;
  const pols = parts.slice(7, -1);
  const type = parts[parts.length - 1]!;
  productKey(order, "OK", "order", fail);
  productKey(product, "PK", "product", fail);
  productKey(delivery, "DK", "delivery", fail);
  if (!BEAM_MODE.test(beamMode)) fail(`beam mode ${beamMode} is not a mnemonic (W2, S3, FQ2, SCWA...)`);
  const acquisitionTime = productNameTime(date, time, { satellite: "RADARSAT-2", date: "2007-12-14" }, fail);
  const polarisations = pols.map((pol) =>
    (RADARSAT2_POLARISATIONS as readonly string[]).includes(pol)
      ? (pol as Radarsat2Polarisation)
      : fail(`polarisation ${pol} is not one of ${RADARSAT2_POLARISATIONS.join(", ")}`),
  );
  const twice = polarisations.find((pol, i) => polarisations.indexOf(pol) !== i);
  if (twice !== undefined) fail(`polarisation ${twice} appears twice`);
  if (!(RADARSAT2_PRODUCT_TYPES as readonly string[]).includes(type)) {
    fail(`product type ${type} is not one of ${RADARSAT2_PRODUCT_TYPES.join(", ")}`);
  }
  return {
    id,
    orderKey: order,
    productKey: product,
    deliveryKey: delivery,
    beamMode,
    acquisitionTime,
    acquired: acquisitionTime.slice(0, 10),
    polarisations,
    productType: type as Radarsat2ProductType,
  };
}
