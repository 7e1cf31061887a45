// Processing baselines ("04.00") decide what the metadata must hold: from 04.00 on (January 2022) ESA shifts
// every DN by an offset (RADIO_ADD_OFFSET, BOA_ADD_OFFSET) and writes the L1C cloud mask as MSK_CLASSI_B00.jp2.
// Everything keys on the baseline, never on the sensing date: older data reprocessed later carries a new baseline.

/** The baseline from which products carry radiometric offsets and raster classification masks. */
export const OFFSET_BASELINE = "04.00";

const BASELINE = /^(\d{2})\.(\d{2})$/;

export function isBaseline(text: string): boolean {
  return BASELINE.test(text);
}

/** Whether baseline `a` is `b` or later; both as "NN.NN". */
export function baselineAtLeast(a: string, b: string): boolean {
  const [x, y] = [BASELINE.exec(a), BASELINE.exec(b)];
  if (x === null || y === null) throw new RangeError(`not a processing baseline: ${x === null ? a : b}`);
  const major = Number(x[1]) - Number(y[1]);
  return major !== 0 ? major > 0 : Number(x[2]) >= Number(y[2]);
}

/** Whether products of this baseline must carry per-band DN offsets. */
export function hasAddOffsets(baseline: string): boolean {
  return baselineAtLeast(baseline, OFFSET_BASELINE);
}

/** Whether products of this baseline carry the raster classification mask (MSK_CLASSI_B00.jp2), not GML vectors. */
export function hasClassificationMask(baseline: string): boolean {
  return baselineAtLeast(baseline, OFFSET_BASELINE);
}
