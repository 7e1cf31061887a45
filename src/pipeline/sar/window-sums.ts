// The statistics a speckle filter takes from each pixel's window: how many valid pixels, the sum of their values
// and of their squares, for a block of a tile at a time (small enough that its sums stay in the CPU's cache).
//
// Sums along a row follow van Herk / Gil-Werman (prefix and suffix sums over blocks a window long: three additions
// a value), down the columns they are built from runs of 1, 2, 4... rows (log2(window) additions a value, and one
// for each run a window takes): a handful of additions per pixel at any window size, and never a subtraction, so
// a bright target leaves no rounding error behind it as a running sum would. Down the columns each window's sum
// is added up in an order fixed by the window's own rows, so a pixel's sums never depend on which rows its tile
// starts with: a band filtered in stripes equals the band filtered whole, to the bit. Along the rows the order is
// fixed by the blocks' columns, which are the same for every tile.

/** Output rows [from, to) by output columns [x0, x1) of a tile. */
export interface Block {
  readonly from: number;
  readonly to: number;
  readonly x0: number;
  readonly x1: number;
}

/** Counts, values and squares of valid pixels (NaN is nodata), summed over runs or windows. */
interface Sums {
  readonly count: Float64Array;
  readonly values: Float64Array;
  readonly squares: Float64Array;
}

/** The sums over the windows of a block's rows: `columns` a row, the first being the tile's column `left`. */
export interface WindowSums extends Sums {
  readonly left: number;
  readonly columns: number;
}

export const BLOCK_ROWS = 32;
export const BLOCK_COLUMNS = 512;

/**
 * A function that sums the windows, (window - 1) / 2 pixels from their centre each way and cut to the tile, of a
 * block of the tile; the sums it returns are overwritten by its next call.
 */
export function windowSummer(
  radius: number,
): (tile: Float32Array, width: number, height: number, block: Block) => WindowSums {
  const span = BLOCK_COLUMNS + 2 * radius;
  const row = sums(span);
  const runs = { prefix: new Float64Array(span), suffix: new Float64Array(span) };
  const rows = sums((BLOCK_ROWS + 2 * radius) * span);
  const windows = sums(BLOCK_ROWS * span);
  return (tile, width, height, block) => {
    if (block.to - block.from > BLOCK_ROWS || block.x1 - block.x0 > BLOCK_COLUMNS)
      throw new Error(`a block of ${block.to - block.from} x ${block.x1 - block.x0} pixels is too large`);
    const top = Math.max(0, block.from - radius);
    const bottom = Math.min(height, block.to + radius);
    const left = Math.max(0, block.x0 - radius);
    const columns = Math.min(width, block.x1 + radius) - left;
    const nodata = hasNodata(tile, width, top, bottom, left, columns);
    for (let y = top; y < bottom; y++) {
      loadRow(tile, y * width + left, columns, row);
      const at = (y - top) * columns;
      sumAlongRow(row.values, columns, radius, rows.values, at, runs);
      sumAlongRow(row.squares, columns, radius, rows.squares, at, runs);
      if (nodata) sumAlongRow(row.count, columns, radius, rows.count, at, runs);
    }
    const [first, last] = [block.from - top, block.to - top];
    sumAcrossRows(rows.values, bottom - top, columns, radius, first, last, windows.values);
    sumAcrossRows(rows.squares, bottom - top, columns, radius, first, last, windows.squares);
    if (nodata) sumAcrossRows(rows.count, bottom - top, columns, radius, first, last, windows.count);
    else countWindows(windows.count, { width, height }, radius, block, left, columns);
    return { ...windows, left, columns };
  };
}

function sums(length: number): Sums {
  return {
    count: new Float64Array(length),
    values: new Float64Array(length),
    squares: new Float64Array(length),
  };
}

function hasNodata(
  tile: Float32Array,
  width: number,
  top: number,
  bottom: number,
  left: number,
  columns: number,
): boolean {
  for (let y = top; y < bottom; y++) {
    for (let i = y * width + left, end = i + columns; i < end; i++) if (Number.isNaN(tile[i])) return true;
  }
  return false;
}

/** A row's valid pixels as counts, values and squares, nodata as zeros. */
function loadRow(tile: Float32Array, offset: number, length: number, row: Sums): void {
  const { count, values, squares } = row;
  for (let x = 0; x < length; x++) {
    const value = tile[offset + x]!;
    const valid = !Number.isNaN(value);
    count[x] = valid ? 1 : 0;
    values[x] = valid ? value : 0;
    squares[x] = valid ? value * value : 0;
  }
}

/** The size of each window of a block's rows when every pixel in reach is valid: the window cut to the tile. */
function countWindows(
  into: Float64Array,
  tile: { readonly width: number; readonly height: number },
  radius: number,
  block: Block,
  left: number,
  columns: number,
): void {
  for (let y = block.from; y < block.to; y++) {
    const rows = Math.min(tile.height, y + radius + 1) - Math.max(0, y - radius);
    const at = (y - block.from) * columns;
    for (let c = 0; c < columns; c++) {
      const x = left + c;
      into[at + c] = rows * (Math.min(tile.width, x + radius + 1) - Math.max(0, x - radius));
    }
  }
}

/**
 * The window sums of one row of n values into into[at + x], x's window being [x - radius, x + radius] cut to
 * [0, n). The row is cut into blocks a window long, with sums from each block's start (prefix) and to its end
 * (suffix): a window is a suffix plus the next block's prefix, or one of them alone where it is a block or is
 * cut by the row's ends.
 */
function sumAlongRow(
  row: Float64Array,
  n: number,
  radius: number,
  into: Float64Array,
  at: number,
  { prefix, suffix }: { readonly prefix: Float64Array; readonly suffix: Float64Array },
): void {
  const window = 2 * radius + 1;
  for (let start = 0; start < n; start += window) {
    const end = Math.min(n, start + window);
    let sum = 0;
    for (let x = start; x < end; x++) prefix[x] = sum += row[x]!;
    sum = 0;
    for (let x = end - 1; x >= start; x--) suffix[x] = sum += row[x]!;
  }
  const inner = Math.min(radius, n);
  const outer = Math.max(inner, n - radius);
  for (let x = 0; x < inner; x++) into[at + x] = prefix[Math.min(n - 1, x + radius)]!;
  for (let x = inner, phase = 0; x < outer; x++, phase = phase === window - 1 ? 0 : phase + 1) {
    into[at + x] = phase === 0 ? suffix[x - radius]! : suffix[x - radius]! + prefix[x + radius]!;
  }
  const lastBlock = Math.floor((n - 1) / window);
  for (let x = outer; x < n; x++) {
    const start = x - radius;
    into[at + x] =
      Math.floor(start / window) === lastBlock ? suffix[start]! : suffix[start]! + prefix[n - 1]!;
  }
}

/**
 * The window sums down the columns of `rows` rows of `width` sums, for rows [from, to), into `into` (from's row
 * first). `levels` is used up: it is turned in place into sums of runs of 2, 4, 8... rows, and each window,
 * [y - radius, y + radius] cut to [0, rows), is added up from those runs, shorter runs first.
 */
function sumAcrossRows(
  levels: Float64Array,
  rows: number,
  width: number,
  radius: number,
  from: number,
  to: number,
  into: Float64Array,
): void {
  const window = 2 * radius + 1;
  into.fill(0, 0, (to - from) * width);
  for (let run = 1; run <= window; run *= 2) {
    for (let y = from; y < to; y++) {
      const start = Math.max(0, y - radius);
      const length = Math.min(rows, y + radius + 1) - start;
      if ((length & run) === 0) continue;
      addRow(levels, (start + (length & (run - 1))) * width, into, (y - from) * width, width);
    }
    if (2 * run > window) break;
    for (let y = 0; y + 2 * run <= rows; y++) addRow(levels, (y + run) * width, levels, y * width, width);
  }
}

/** into[at + x] += from[offset + x] for the `width` values of a row. */
function addRow(from: Float64Array, offset: number, into: Float64Array, at: number, width: number): void {
  for (let x = 0; x < width; x++) into[at + x] = into[at + x]! + from[offset + x]!;
}
