import gdal from "gdal-async";

// A small PNG per scene to see at a glance what came out: the sensor's true-colour bands when the scene has
// them, a radar scene's polarisations in dB, else its first band as grey; each channel stretched between its
// 2nd and 98th percentiles; nodata transparent. GDAL reads the bands already reduced (from the COG overviews), so only a few hundred thousand
// pixels reach JavaScript, and the PNG is written by GDAL's PNG driver.

export const QUICKLOOK_MAX_SIZE = 512;

export interface QuicklookBand {
  readonly band: string;
  /** An output COG of the scene. */
  readonly file: string;
}

/**
 * How a scene is shown: an optical sensor's red, green and blue bands; a radar scene's co- and cross-polarised
 * bands as red and green and their ratio as blue, all in dB (dB of the stored values, which are in `units`).
 */
export type QuicklookLook =
  | { readonly trueColour: readonly [string, string, string] }
  | {
      readonly dualPolarisation: { readonly co: string; readonly cross: string };
      readonly units: "pow" | "amp" | "dB";
    }
  | { readonly units: "pow" | "amp" | "dB" };

/** Writes target (a .png) from the scene's output bands; returns its size. */
export async function writeQuicklook(
  bands: readonly QuicklookBand[],
  target: string,
  /** Grey from the first band when absent, or when the bands it names were not all made. */
  look?: QuicklookLook,
  maxSize = QUICKLOOK_MAX_SIZE,
): Promise<{ width: number; height: number }> {
  const byName = new Map(bands.map((b) => [b.band, b.file]));
  const named =
    look === undefined
      ? []
      : "trueColour" in look
        ? look.trueColour.map((b) => byName.get(b))
        : "dualPolarisation" in look
          ? [byName.get(look.dualPolarisation.co), byName.get(look.dualPolarisation.cross)]
          : [];
  let files = named.length > 0 && named.every((f) => f !== undefined) ? named : [bands[0]!.file];
  const sizes = await Promise.all(files.map(sizeOf));
  // Without resamp_clip the bands may have different extents: then the first band alone, in grey.
  if (sizes.some((s) => s.x !== sizes[0]!.x || s.y !== sizes[0]!.y)) files = [files[0]!];
  const { x: fullWidth, y: fullHeight } = sizes[0]!;
  const scale = Math.min(1, maxSize / Math.max(fullWidth, fullHeight));
  const width = Math.max(1, Math.round(fullWidth * scale));
  const height = Math.max(1, Math.round(fullHeight * scale));

  const valid = new Uint8Array(width * height).fill(1);
  const layers: Float64Array[] = [];
  for (const file of files) {
    const ds = await gdal.openAsync(file);
    try {
      const band = ds.bands.get(1);
      const values = await band.pixels.readAsync(
        0,
        0,
        fullWidth,
        fullHeight,
        new Float64Array(width * height),
        {
          buffer_width: width,
          buffer_height: height,
          resampling: gdal.GRA_NearestNeighbor,
        },
      );
      const nodata = band.noDataValue;
      for (let i = 0; i < values.length; i++) {
        if ((nodata !== null && values[i] === nodata) || Number.isNaN(values[i])) valid[i] = 0;
      }
      layers.push(values);
    } finally {
      ds.close();
    }
  }
  const shown = look !== undefined && "units" in look ? radarLayers(layers, look.units, valid) : layers;
  const channels = shown.map((values) => stretch(values, valid));
  while (channels.length < 3) channels.push(channels[0]!);

  const mem = gdal.open("quicklook", "w", "MEM", width, height, 4, gdal.GDT_Byte);
  try {
    for (let c = 0; c < 3; c++)
      await mem.bands.get(c + 1).pixels.writeAsync(0, 0, width, height, channels[c]);
    const alpha = valid.map((v) => (v === 1 ? 255 : 0));
    await mem.bands.get(4).pixels.writeAsync(0, 0, width, height, alpha);
    mem.bands.get(4).colorInterpretation = gdal.GCI_AlphaBand;
    const png = await gdal.drivers.get("PNG").createCopyAsync(target, mem, ["ZLEVEL=6"]);
    png.close();
  } finally {
    mem.close();
  }
  return { width, height };
}

/**
 * Radar values in dB: one band as grey, or co, cross and co - cross (their ratio) for a dual-polarised scene.
 * A value whose dB is not finite (zero power) is left out like nodata.
 */
function radarLayers(
  layers: readonly Float64Array[],
  units: "pow" | "amp" | "dB",
  valid: Uint8Array,
): Float64Array[] {
  const factor = units === "pow" ? 10 : units === "amp" ? 20 : 0;
  const decibels = layers.map((values) =>
    factor === 0 ? values : values.map((v) => factor * Math.log10(v)),
  );
  for (const values of decibels) {
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) valid[i] = 0;
  }
  if (decibels.length < 2) return decibels;
  const [co, cross] = decibels as [Float64Array, Float64Array];
  return [co, cross, co.map((v, i) => v - cross[i]!)];
}

async function sizeOf(file: string): Promise<{ x: number; y: number }> {
  const ds = await gdal.openAsync(file);
  try {
    return ds.rasterSize;
  } finally {
    ds.close();
  }
}

/** Linear 2-98 % stretch of the valid values to 1..255 (0 is left for nodata, which is transparent anyway). */
function stretch(values: Float64Array, valid: Uint8Array): Uint8Array {
  const sample: number[] = [];
  for (let i = 0; i < values.length; i++) if (valid[i] === 1) sample.push(values[i]!);
  const out = new Uint8Array(values.length);
  if (sample.length === 0) return out;
  sample.sort((a, b) => a - b);
  const low = sample[Math.floor(0.02 * (sample.length - 1))]!;
  const high = sample[Math.ceil(0.98 * (sample.length - 1))]!;
  const span = high - low;
  for (let i = 0; i < values.length; i++) {
    if (valid[i] === 0) continue;
    const t = span > 0 ? (values[i]! - low) / span : 0.5;
    out[i] = 1 + Math.round(254 * Math.min(1, Math.max(0, t)));
  }
  return out;
}
