import { productKey, productNameTime } from "../sar/sar-product-name.js";
import { SceneIdError } from "../scene-id-error.js";
import type { ParsedScene } from "../sensor-identity.js";
import {
  COMPACT_CHANNELS,
  RCM_BEAM_MODE,
  RCM_CHANNELS,
  RCM_PRODUCT_TYPES,
  type RcmChannel,
  type RcmProductType,
} from "./rcm-product-schema.js";

// RADARSAT Constellation Mission product names as the CSA delivers them (the product folder and its zip carry
// the name), parsed without touching the disk: the API checks ids with this before a job is accepted.

export { RCM_CHANNELS, RcmChannelSchema, type RcmChannel } from "./rcm-product-schema.js";

export interface RcmSceneId extends ParsedScene {
  /** The product name: RCM1_OK1721243_PK1721268_4_5M9_20200425_001248_HH_HV_GRD. */
  readonly id: string;
  /** Which of the three satellites: "RCM1", "RCM2", "RCM3" (product.xml writes RCM-1...). */
  readonly satellite: "RCM1" | "RCM2" | "RCM3";
  /** Order and product keys as written: "OK1721243", "PK1721268". */
  readonly orderKey: string;
  readonly productKey: string;
  /** The number between the product key and the beam mode, as written (1 to 4 in delivered products). */
  readonly productNumber: number;
  /** 16M5, 5M9, SC30MCPB, SC50MA, QP15... */
  readonly beamMode: string;
  /** Acquisition start from the name, ISO 8601 UTC to the second. */
  readonly acquisitionTime: string;
  /** Acquisition date, YYYY-MM-DD (the storage folder's date). */
  readonly acquired: string;
  /** In the order the name gives them. */
  readonly channels: readonly RcmChannel[];
  readonly productType: RcmProductType;
}

/** How an RCM id looks, for error messages. */
export const RCM_ID_FORM =
  "RCM<1-3>_OK<order>_PK<product>_<number>_<beam mode>_<YYYYMMDD>_<HHMMSS>_<1-4 of HH HV VV VH CH CV>_<SLC|GRC|GRD|GCC|GCD|MLC>";
/** A real RCM id, for error messages. */
export const RCM_ID_EXAMPLE = "RCM1_OK1721243_PK1721268_4_5M9_20200425_001248_HH_HV_GRD";

// The constellation was launched on 12 June 2019: nothing carries an earlier date.
const LAUNCH = "2019-06-12";

/**
 * Parses an RCM product name. Returns undefined when the string does not start with RCM (it is some other
 * sensor's id), and throws a SceneIdError naming the fault when it does but is not a valid product name.
 */
export function parseRcmSceneId(id: string): RcmSceneId | undefined {
  if (!id.startsWith("RCM")) return undefined;
  const fail = (why: string): never => {
    throw new SceneIdError(`${id}: ${why} (expected ${RCM_ID_FORM}, e.g. ${RCM_ID_EXAMPLE})`);
  };
  const parts = id.split("_");
  if (parts.length < 9 || parts.length > 12) {
    fail(`not an RCM product name: ${parts.length} parts separated by _, not 9 to 12`);
  }
  const [satellite = "", order = "", product = "", number = "", beamMode = "", date = "", time = ""] = parts;
  if (!/^RCM[123]$/.test(satellite)) fail(`satellite ${satellite} is not RCM1, RCM2 or RCM3`);
  productKey(order, "OK", "order", fail);
  productKey(product, "PK", "product", fail);
  if (!/^\d+$/.test(number)) fail(`product number ${number} is not digits`);
  if (!RCM_BEAM_MODE.test(beamMode)) fail(`beam mode ${beamMode} is not a mnemonic (16M5, SC50MA, QP15...)`);
  const acquisitionTime = productNameTime(date, time, { satellite: "RCM", date: LAUNCH }, fail);
  const channels = readChannels(parts.slice(7, -1), fail);
  const type = parts[parts.length - 1]!;
  if (!(RCM_PRODUCT_TYPES as readonly string[]).includes(type)) {
    fail(`product type ${type} is not one of ${RCM_PRODUCT_TYPES.join(", ")}`);
  }
  return {
    id,
    satellite: satellite as RcmSceneId["satellite"],
    orderKey: order,
    productKey: product,
    productNumber: Number(number),
    beamMode,
    acquisitionTime,
    acquired: acquisitionTime.slice(0, 10),
    channels,
    productType: type as RcmProductType,
  };
}

function readChannels(parts: readonly string[], fail: (why: string) => never): RcmChannel[] {
  const channels = parts.map((part) =>
    (RCM_CHANNELS as readonly string[]).includes(part)
      ? (part as RcmChannel)
      : fail(`channel ${part} is not one of ${RCM_CHANNELS.join(", ")}`),
  );
  const twice = channels.find((channel, i) => channels.indexOf(channel) !== i);
  if (twice !== undefined) fail(`channel ${twice} appears twice`);
  const compact = channels.filter((channel) => COMPACT_CHANNELS.includes(channel));
  if (compact.length > 0 && compact.length < channels.length) {
    fail(`compact-polarimetry channels (${compact.join(", ")}) do not come with linear ones`);
  }
  return channels;
}
