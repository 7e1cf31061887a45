import type { BandConversion } from "./band-conversion.js";

// What goes into a scene's run of the pipeline (a plan of bands, made by the sensor) and what comes out of it.

/** One band of a scene's plan. */
export interface BandPlan {
  /** The sensor's band name (B4, B8A, HH...), used in file names. */
  readonly band: string;
  /** The file (or GDAL dataset name) its pixels are read from. */
  readonly source: string;
  readonly conversion: BandConversion;
  /**
   * A step that makes the warp's input from the source in the source's own geometry (radar: calibrate and
   * filter speckle); the warp then reads what it wrote. The file is scratch, removed once the scene is done.
   */
  readonly prepare?: PrepareStep | undefined;
  /**
   * gdalwarp's transformer arguments for a source without a geotransform (radar: ["-rpc", "-to",
   * "RPC_DEM=..."], or ["-tps"] over its GCPs); used for the band's footprint and its warp.
   */
  readonly transformer?: readonly string[] | undefined;
}

/** Writes a band's warp input (a Float32 GeoTIFF with the georeferencing the transformer needs). */
export interface PrepareStep {
  run(target: string, threads: number): Promise<void>;
  /** The nodata value of what run() writes. */
  readonly nodata: number;
}

/** The scene's quality file and which of its values drop a pixel. */
export interface QaMask {
  readonly file: string;
  readonly drop: (qa: number) => boolean;
}

export interface SceneOutput {
  readonly band: string;
  /** Relative to outputRoot. */
  readonly file: string;
  readonly conversion: BandConversion;
  /** Exactly how the band was warped and written (gdalwarp and gdal_translate arguments), for provenance. */
  readonly gdalArguments: { readonly warp: readonly string[]; readonly cog: readonly string[] };
}

export interface SceneResult {
  readonly outputs: SceneOutput[];
  /** The multi-band VRT of the scene, relative to outputRoot; only when the bands share an extent. */
  readonly stack: string | undefined;
  /** The QA mask output, relative to outputRoot, when asked for. */
  readonly mask: string | undefined;
}
