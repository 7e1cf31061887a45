// Types of synthetic-rcm-product.mjs, for the tests' TypeScript helper that imports it.
import type { SyntheticGeometryModel } from "./synthetic-radarsat2-product.mjs";

type CalibrationName = "sigma0" | "beta0" | "gamma0";

/** A table as a file lists it: values[k] at sample pixelFirstValue + k * stepSize, as the text reads back. */
export interface RcmTable {
  readonly pixelFirstValue: number;
  readonly stepSize: number;
  readonly values: Float64Array;
}

export interface RcmProductValues {
  readonly id: string;
  readonly samples: number;
  readonly lines: number;
  readonly channels: readonly string[];
  /** Default GRD. */
  readonly productType?: string | undefined;
  readonly beamMode: string;
  /** radarParameters/acquisitionType and beamMode, in words. */
  readonly acquisitionType: string;
  readonly looks: { readonly range: number; readonly azimuth: number };
  /** ISO 8601 UTC to the second. */
  readonly time: string;
  /** Tie points and the RPC model. */
  readonly geometry: SyntheticGeometryModel;
  /** false writes GDAL's fake product's block of zeros instead of the RPC model. */
  readonly rpc?: boolean | undefined;
  /** Pixel and line spacing (metres); by default that of SYNTHETIC_FOOTPRINT. */
  readonly spacing?: number | undefined;
  /** Incidence angles at the near and far end (degrees); default 30.5 and 39.5. */
  readonly incidence?: { readonly near: number; readonly far: number } | undefined;
  /** Per channel, the mean and standard deviation of its DNs; none when absent. */
  readonly stats?:
    readonly { readonly channel: string; readonly mean: number; readonly sigma: number }[] | undefined;
}

export const RCM_NAMESPACE: "rcmGsProductSchema";
export const SYNTHETIC_RCM_LUT_OFFSET: 50;
export const CALIBRATIONS: readonly CalibrationName[];

export function lutFile(channel: string, calibration: CalibrationName): string;
export function noiseFile(channel: string): string;
export function lutTable(samples: number, channelIndex: number, calibration: CalibrationName): RcmTable;
export function noiseTable(samples: number, channelIndex: number, calibration: CalibrationName): RcmTable;
export function expandTable(table: RcmTable, samples: number): Float64Array;
export function rcmMetadataFiles(v: RcmProductValues): [file: string, text: string][];
