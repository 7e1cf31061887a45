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
}

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
  if (!Number.isFinite(calibration.offset))
    throw new Error(`the calibration's offset is ${calibration.offset}`);
}
