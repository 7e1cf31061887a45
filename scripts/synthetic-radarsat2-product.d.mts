// Types of synthetic-radarsat2-product.mjs, for the tests' TypeScript helper that imports it.

type CalibrationName = "sigma0" | "beta0" | "gamma0";

export interface LonLatFootprint {
  readonly north: number;
  readonly south: number;
  readonly west: number;
  readonly east: number;
}

/** GDAL's RPC metadata domain, values as product.xml's rationalFunctions hold them. */
export type RpcText = Readonly<
  Record<
    | "LINE_OFF"
    | "SAMP_OFF"
    | "LAT_OFF"
    | "LONG_OFF"
    | "HEIGHT_OFF"
    | "LINE_SCALE"
    | "SAMP_SCALE"
    | "LAT_SCALE"
    | "LONG_SCALE"
    | "HEIGHT_SCALE"
    | "LINE_NUM_COEFF"
    | "LINE_DEN_COEFF"
    | "SAMP_NUM_COEFF"
    | "SAMP_DEN_COEFF",
    string
  >
>;

export interface SyntheticGeometryModel {
  toImage(lat: number, lon: number, height: number): { line: number; pixel: number };
  toGround(line: number, pixel: number, height: number): { lat: number; lon: number };
  readonly rpc: RpcText;
}

export interface ProductXmlValues {
  readonly samples: number;
  readonly lines: number;
  readonly polarisations: readonly string[];
  readonly productType: string;
  readonly beamMode: string;
  readonly looks: { readonly range: number; readonly azimuth: number };
  /** ISO 8601 UTC to the second. */
  readonly time: string;
  readonly geometry: SyntheticGeometryModel;
  /** false leaves rationalFunctions out. */
  readonly rpc: boolean | undefined;
  /** The geometry's footprint, for the pixel spacings; SYNTHETIC_FOOTPRINT when absent. */
  readonly footprint?: LonLatFootprint | undefined;
}

export const RS2_NAMESPACE: "http://www.rsi.ca/rs2/prod/xml/schemas";
export const SYNTHETIC_FOOTPRINT: {
  readonly north: 50.6;
  readonly south: 50.2;
  readonly west: 8.3;
  readonly east: 9.0;
};
export const METRES_PER_SAMPLE_SHIFT: 100;
export const SYNTHETIC_GAINS: Readonly<Record<CalibrationName, { readonly a: number; readonly b: number }>>;
export const SYNTHETIC_LUT_OFFSET: 100;
export const LUT_FILES: Readonly<Record<CalibrationName, string>>;

export function syntheticGeometry(
  samples: number,
  lines: number,
  footprint?: LonLatFootprint,
  metresPerSampleShift?: number,
): SyntheticGeometryModel;
export function lutXml(offset: number, gains: ArrayLike<number>): string;
export function productXmlText(values: ProductXmlValues): string;
export function mulberry32(seed: number): () => number;
export function gamma(shape: number, random: () => number): number;
