// A radar product's DNs to backscatter in linear power (sigma0, beta0 or gamma0, whichever the gains are for),
// with a gain for each range column as the product's calibration table gives it. Pure: the caller reads the
// samples, a block of full-width rows at a time.

export interface RadarCalibration {
  /** detected: amplitude DNs (ground-range products); complex: in-phase and quadrature samples (SLC). */
  readonly kind: "detected" | "complex";
  /** One gain per range column of the image, its length the image's width. */
  readonly gains: Float64Array;
  /** Added to DN^2 before the gain divides it (detected only; RADARSAT-2's offset, 0 for most products). */
  readonly offset: number;
  /**
   * The noise-equivalent backscatter of each range column, linear, in the same coefficient as the gains:
   * subtracted after calibration (noise removal), the result held at NOISE_FLOOR at least.
   */
  readonly noise?: Float64Array | undefined;
}

/**
 * What noise removal leaves at least: 1e-5 (-50 dB), below any C-band noise floor (RCM's is about -25 dB), so
 * a pixel darker than the noise stays a valid, very dark value in dB rather than becoming nodata.
 */
export const NOISE_FLOOR = 1e-5;

/** Samples as GDAL reads them, any numeric type. */
export type SampleArray =
  Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** A block of full-width rows of samples: the DNs, or the in-phase (I) and quadrature (Q) parts. */
export type RadarSamples =
  | { readonly kind: "detected"; readonly dn: SampleArray }
  | { readonly kind: "complex"; readonly i: SampleArray; readonly q: SampleArray };

/**
 * Linear power for a block of full-width rows: detected (DN^2 + offset) / gains[column], complex
 * (I^2 + Q^2) / gains[column]^2. A DN of 0, or I = Q = 0, is nodata and becomes NaN. Writes into `into` when
 * given (as long as the samples), else into a new array.
 */
export function calibrateRows(
  calibration: RadarCalibration,
  samples: RadarSamples,
  into?: Float32Array,
): Float32Array {
  const { gains, offset } = calibration;
  const width = gains.length;
  const length = samples.kind === "detected" ? samples.dn.length : samples.i.length;
  checkCalibration(calibration, samples, length);
  const out = into ?? new Float32Array(length);
  if (out.length !== length) throw new Error(`cannot write ${length} calibrated values into ${out.length}`);
  const noise = calibration.noise;
  if (samples.kind === "detected") {
    const { dn } = samples;
    for (let start = 0; start < length; start += width) {
      for (let x = 0; x < width; x++) {
        const value = dn[start + x]!;
        out[start + x] = value === 0 ? NaN : (value * value + offset) / gains[x]!;
      }
    }
  } else {
    const { i, q } = samples;
    for (let start = 0; start < length; start += width) {
      for (let x = 0; x < width; x++) {
        const inPhase = i[start + x]!;
        const quadrature = q[start + x]!;
        const gain = gains[x]!;
        out[start + x] =
          inPhase === 0 && quadrature === 0
            ? NaN
            : (inPhase * inPhase + quadrature * quadrature) / (gain * gain);
      }
    }
  }
  if (noise !== undefined) {
    for (let start = 0; start < length; start += width) {
      for (let x = 0; x < width; x++) {
        const value = out[start + x]!;
        if (!Number.isNaN(value)) out[start + x] = Math.max(value - noise[x]!, NOISE_FLOOR);
      }
    }
  }
  return out;
}

function checkCalibration(calibration: RadarCalibration, samples: RadarSamples, length: number): void {
  const { kind, gains } = calibration;
  if (samples.kind !== kind)
    throw new Error(`a ${kind} calibration cannot calibrate ${samples.kind} samples`);
  if (samples.kind === "complex" && samples.q.length !== length)
    throw new Error(`${length} in-phase samples but ${samples.q.length} quadrature samples`);
  if (gains.length === 0) throw new Error("the calibration has no gains");
  if (length % gains.length !== 0)
    throw new Error(`${length} samples are not whole rows of ${gains.length} columns (one gain a column)`);
  const bad = gains.findIndex((gain) => !(gain > 0) || !Number.isFinite(gain));
  if (bad >= 0)
    throw new Error(`the calibration's gain for column ${bad} is ${gains[bad]}, not a positive number`);
  if (calibration.noise !== undefined && calibration.noise.length !== gains.length)
    throw new Error(`${calibration.noise.length} noise levels for ${gains.length} columns`);
  if (!Number.isFinite(calibration.offset))
    throw new Error(`the calibration's offset is ${calibration.offset}`);
}
