import type { SpeckleFilterKind } from "../../common/radar.js";
import { BLOCK_COLUMNS, BLOCK_ROWS, windowSummer, type Block, type WindowSums } from "./window-sums.js";

// Speckle filters for radar backscatter in linear power, applied in the product's own geometry before the warp,
// to a tile of full-width rows at a time: a band is filtered stripe by stripe and never held whole, and the
// result does not depend on where the stripes are cut (./window-sums.ts).

export type { SpeckleFilterKind } from "../../common/radar.js";

export interface SpeckleFilter {
  readonly kind: SpeckleFilterKind;
  /** Pixels a side of the square window centred on each pixel: odd, at least 3. */
  readonly window: number;
  /** The equivalent number of looks of the speckle (> 0); NaN asks the caller to estimate it. */
  readonly looks: number;
}

/**
 * Filters rows [first, first + count) of a tile of linear power, `height` rows of `width` pixels. NaN is nodata:
 * it stays NaN and is left out of every window's statistics. Windows are cut at the tile's edges, so the caller
 * supplies (window - 1) / 2 rows of halo above and below the rows wherever the image has them. Returns
 * count * width values.
 */
export function filterRows(
  tile: Float32Array,
  width: number,
  height: number,
  first: number,
  count: number,
  filter: SpeckleFilter,
): Float32Array {
  checkRows(tile, width, height, first, count);
  if (filter.kind === "none") return tile.slice(first * width, (first + count) * width);
  checkSpeckleFilter(filter);
  const sumWindows = windowSummer((filter.window - 1) / 2);
  const out = new Float32Array(count * width);
  for (let from = first; from < first + count; from += BLOCK_ROWS) {
    const to = Math.min(first + count, from + BLOCK_ROWS);
    for (let x0 = 0; x0 < width; x0 += BLOCK_COLUMNS) {
      const block = { from, to, x0, x1: Math.min(width, x0 + BLOCK_COLUMNS) };
      estimateBlock(tile, width, block, sumWindows(tile, width, height, block), filter, out, first);
    }
  }
  return out;
}

/**
 * The equivalent number of looks of linear power, estimated from the data where the product does not state it:
 * the median of mean^2 / variance over non-overlapping windows of `window` x `window` pixels without nodata.
 * Homogeneous areas (fields, water, forest) give the speckle's own ratio and dominate most scenes; textured
 * windows give less and fall below the median. NaN when no window qualifies.
 */
export function estimateLooks(values: Float32Array, width: number, height: number, window = 9): number {
  checkRows(values, width, height, 0, height);
  if (!Number.isInteger(window) || window < 2) throw new Error("the looks window must be 2 pixels or more");
  const ratios: number[] = [];
  for (let y0 = 0; y0 + window <= height; y0 += window) {
    for (let x0 = 0; x0 + window <= width; x0 += window) {
      const ratio = windowRatio(values, width, x0, y0, window);
      if (ratio > 0 && Number.isFinite(ratio)) ratios.push(ratio);
    }
  }
  return median(ratios);
}

/**
 * Throws unless a filter's window is odd and 3 or more and its looks above 0; NaN looks pass where the caller
 * estimates them. No filter ("none") needs either.
 */
export function checkSpeckleFilter(filter: SpeckleFilter, { looksToEstimate = false } = {}): void {
  const { kind, window, looks } = filter;
  if (kind === "none") return;
  if (!Number.isInteger(window) || window < 3 || window % 2 === 0)
    throw new Error(`the ${kind} filter's window must be an odd number of pixels, 3 or more, not ${window}`);
  if (looksToEstimate && Number.isNaN(looks)) return;
  if (!(looks > 0) || !Number.isFinite(looks))
    throw new Error(`the ${kind} filter needs a number of looks above 0, not ${looks}`);
}

/** The filtered values of a block's pixels into out, whose first row is the tile's row `first`. */
function estimateBlock(
  tile: Float32Array,
  width: number,
  block: Block,
  sums: WindowSums,
  filter: SpeckleFilter,
  out: Float32Array,
  first: number,
): void {
  const { count, values, squares, left, columns } = sums;
  const { kind, looks } = filter;
  for (let y = block.from; y < block.to; y++) {
    const at = y * width;
    const into = (y - first) * width;
    const row = (y - block.from) * columns - left;
    for (let x = block.x0; x < block.x1; x++) {
      const value = tile[at + x]!;
      if (Number.isNaN(value)) {
        out[into + x] = NaN;
        continue;
      }
      const n = count[row + x]!;
      const sum = values[row + x]!;
      const mean = sum / n;
      const variance = n > 1 ? (squares[row + x]! - sum * mean) / (n - 1) : 0;
      out[into + x] =
        kind === "gamma" ? gammaMap(value, mean, variance, looks) : lee(value, mean, variance, looks);
    }
  }
}

/**
 * Gamma-MAP (Lopes, Nezry, Touzi & Laur 1990; Lopes, Touzi & Nezry 1990, IEEE TGRS 28(6)): the window mean where
 * it is as homogeneous as speckle alone (Ci <= Cu = 1 / sqrt(L)), the pixel itself where it is a point target or
 * an edge (Ci >= Cmax = sqrt(2) Cu), and between the two the MAP estimate under a gamma-distributed scene,
 * R = ((alpha - L - 1) m + sqrt(m^2 (alpha - L - 1)^2 + 4 alpha L m I)) / (2 alpha), alpha = (1 + Cu^2) /
 * (Ci^2 - Cu^2). Checked against PCI Geomatics' FGAMMA algorithm page and ESA SNAP's s1tbx
 * SpeckleFilters/GammaMap.java, whose sample variance (n - 1) it shares. The MAP estimate is a posterior mode:
 * over homogeneous speckle the intermediate regime comes out a few percent low (about 2 % overall at 4 looks).
 */
function gammaMap(value: number, mean: number, variance: number, looks: number): number {
  if (!(mean > 0)) return value;
  if (!(variance > 0)) return mean;
  const cu2 = 1 / looks;
  const ci2 = variance / (mean * mean);
  if (ci2 <= cu2) return mean;
  if (ci2 >= 2 * cu2) return value;
  const alpha = (1 + cu2) / (ci2 - cu2);
  const b = alpha - looks - 1;
  const d = mean * mean * b * b + 4 * alpha * looks * mean * value;
  return (b * mean + Math.sqrt(Math.max(0, d))) / (2 * alpha);
}

/**
 * Lee (1980) under multiplicative speckle of variance Cu^2: the scene's variance is var_x = (var_z - m^2 Cu^2) /
 * (1 + Cu^2), and the linear minimum-mean-square estimate weighs the pixel by k = var_x / var_z (clamped to
 * [0, 1]). That is the exact weight, (1 - Cu^2 / Ci^2) / (1 + Cu^2), the one Kuan et al. (1985) give; SNAP's Lee
 * uses the first-order 1 - Cu^2 / Ci^2, larger by the factor 1 + Cu^2.
 */
function lee(value: number, mean: number, variance: number, looks: number): number {
  if (!(variance > 0)) return mean;
  const cu2 = 1 / looks;
  const weight = (variance - mean * mean * cu2) / ((1 + cu2) * variance);
  return mean + Math.min(1, Math.max(0, weight)) * (value - mean);
}

/** mean^2 / sample variance of one window; NaN when it holds nodata. */
function windowRatio(values: Float32Array, width: number, x0: number, y0: number, window: number): number {
  let sum = 0;
  let squares = 0;
  for (let y = y0; y < y0 + window; y++) {
    for (let x = x0; x < x0 + window; x++) {
      const value = values[y * width + x]!;
      sum += value;
      squares += value * value;
    }
  }
  const n = window * window;
  const mean = sum / n;
  return (mean * mean) / ((squares - sum * mean) / (n - 1));
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function checkRows(tile: Float32Array, width: number, height: number, first: number, count: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 0)
    throw new Error(`a tile of ${width} x ${height} pixels is no tile`);
  if (tile.length !== width * height)
    throw new Error(`the tile holds ${tile.length} values, not ${width} x ${height}`);
  if (
    !Number.isInteger(first) ||
    !Number.isInteger(count) ||
    first < 0 ||
    count < 0 ||
    first + count > height
  )
    throw new Error(`rows ${first} to ${first + count} are not rows of a tile ${height} rows high`);
}
