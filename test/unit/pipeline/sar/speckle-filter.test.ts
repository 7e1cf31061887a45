import { describe, expect, it } from "vitest";
import {
  estimateLooks,
  filterRows,
  type SpeckleFilter,
} from "../../../../src/pipeline/sar/speckle-filter.js";

// The filters against speckle of known statistics (gamma-distributed intensity of L looks over a known sigma0),
// against a direct computation of every window, and against themselves run stripe by stripe.

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function uniform(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gamma(shape >= 1, scale) variates, Marsaglia & Tsang (2000), normals by Box-Muller. */
function gammaVariates(seed: number, shape: number, scale: number): () => number {
  const random = uniform(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  return () => {
    for (;;) {
      const x = normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = random();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
        return d * v * scale;
    }
  };
}

/** Intensity of L-look speckle over sigma0(x, y): gamma(L, sigma0 / L), mean sigma0, CV 1 / sqrt(L). */
function speckle(width: number, height: number, looks: number, sigma0: (x: number) => number, seed = 7) {
  const unit = gammaVariates(seed, looks, 1 / looks);
  const tile = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) tile[y * width + x] = sigma0(x) * unit();
  return tile;
}

function meanAndCv(values: ArrayLike<number>): { mean: number; cv: number } {
  let [sum, squares] = [0, 0];
  for (let i = 0; i < values.length; i++) [sum, squares] = [sum + values[i]!, squares + values[i]! ** 2];
  const mean = sum / values.length;
  return { mean, cv: Math.sqrt(squares / values.length - mean * mean) / mean };
}

/** The column means of rows of a tile. */
function columnMean(tile: Float32Array, width: number, height: number, x: number): number {
  let sum = 0;
  for (let y = 0; y < height; y++) sum += tile[y * width + x]!;
  return sum / height;
}

/** Every window's statistics summed directly, and the published formulas applied to them. */
function reference(tile: Float32Array, width: number, height: number, filter: SpeckleFilter): Float64Array {
  const r = (filter.window - 1) / 2;
  const L = filter.looks;
  const cu2 = 1 / L;
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const I = tile[y * width + x]!;
      let [n, sum, squares] = [0, 0, 0];
      for (let j = Math.max(0, y - r); j <= Math.min(height - 1, y + r); j++) {
        for (let i = Math.max(0, x - r); i <= Math.min(width - 1, x + r); i++) {
          const v = tile[j * width + i]!;
          if (!Number.isNaN(v)) [n, sum, squares] = [n + 1, sum + v, squares + v * v];
        }
      }
      const m = sum / n;
      const variance = n > 1 ? (squares - n * m * m) / (n - 1) : 0;
      const ci2 = variance / (m * m);
      let value: number;
      if (Number.isNaN(I)) value = NaN;
      else if (filter.kind === "lee") {
        const k = variance > 0 ? (variance - m * m * cu2) / (1 + cu2) / variance : 0;
        value = m + Math.min(1, Math.max(0, k)) * (I - m);
      } else if (!(variance > 0) || ci2 <= cu2) value = m;
      else if (ci2 >= 2 * cu2) value = I;
      else {
        const alpha = (1 + cu2) / (ci2 - cu2);
        const b = alpha - L - 1;
        value = (b * m + Math.sqrt(m * m * b * b + 4 * alpha * L * m * I)) / (2 * alpha);
      }
      out[y * width + x] = value;
    }
  }
  return out;
}

function bytes(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

const LOOKS = 4;
const WINDOW = 7;

describe.each(["gamma", "lee"] as const)("filterRows, %s", (kind) => {
  const filter = { kind, window: WINDOW, looks: LOOKS };

  it("keeps the mean of a homogeneous area and lowers its CV towards a window mean's", () => {
    const [width, height, sigma0] = [400, 400, 0.1];
    const tile = speckle(width, height, LOOKS, () => sigma0);
    const before = meanAndCv(tile);
    expect(before.mean / sigma0).toBeCloseTo(1, 2);
    expect(before.cv).toBeCloseTo(1 / Math.sqrt(LOOKS), 1);
    const after = meanAndCv(filterRows(tile, width, height, 0, height, filter));
    // Lee is unbiased. Gamma-MAP is not: in windows between Ci = Cu and Cmax (about 45 % of a homogeneous area
    // at 4 looks and 7 x 7) it gives the posterior's mode, below its mean, and the area comes out 1.5-2 % low
    // (4 % at 1 look); SNAP's GammaMap.java gives the same.
    const bias = kind === "lee" ? 0.01 : 0.025;
    expect(Math.abs(after.mean / sigma0 - 1)).toBeLessThan(bias);
    if (kind === "gamma") expect(after.mean).toBeLessThan(sigma0);
    // A boxcar of N independent pixels leaves CV 1 / sqrt(L N) = 0.071; an adaptive filter keeps some of each
    // pixel where a window's Ci exceeds Cu by chance, so it may come out above that, though not by more than
    // 60 %, and never anywhere near the speckle's own 1 / sqrt(L) = 0.5.
    const boxcar = 1 / Math.sqrt(LOOKS * WINDOW * WINDOW);
    expect(after.cv).toBeGreaterThan(0.9 * boxcar);
    expect(after.cv).toBeLessThan(1.6 * boxcar);
    expect(after.cv).toBeLessThan(0.25 / Math.sqrt(LOOKS));
  });

  it("keeps an edge between 0.02 and 0.2 sharp", () => {
    const [width, height, edge, r] = [200, 400, 100, (WINDOW - 1) / 2];
    const area = (x: number): number => (x < edge ? 0.02 : 0.2);
    const tile = speckle(width, height, LOOKS, area, 11);
    const out = filterRows(tile, width, height, 0, height, filter);
    // Beyond the window's reach each side keeps its own level within a few percent (Gamma-MAP's bias included).
    for (const x of [edge - r - 8, edge - r - 1, edge + r, edge + r + 8]) {
      expect(Math.abs(columnMean(out, width, height, x) / area(x) - 1)).toBeLessThan(0.04);
    }
    // At the edge itself each side stays nearer its own level than a 7 x 7 boxcar's mix of the two.
    for (const x of [edge - 1, edge]) {
      const boxcar = (area(edge - 1) * (x < edge ? r + 1 : r) + area(edge) * (x < edge ? r : r + 1)) / WINDOW;
      expect(Math.abs(columnMean(out, width, height, x) - area(x))).toBeLessThan(
        0.5 * Math.abs(boxcar - area(x)),
      );
    }
  });

  it.each([3, 7, 25])(
    "equals every window computed directly, nodata and tile edges included (window %i)",
    (window) => {
      const [width, height] = [1100, 75];
      const tile = speckle(width, height, LOOKS, (x) => 0.05 + (x % 300) / 1000, window);
      const random = uniform(window);
      for (let i = 0; i < tile.length; i++) if (random() < 0.02) tile[i] = NaN;
      for (let y = 30; y < 50; y++) tile.fill(NaN, y * width + 500, y * width + 530);
      const options = { kind, window, looks: LOOKS };
      const out = filterRows(tile, width, height, 0, height, options);
      const expected = reference(tile, width, height, options);
      const wrong = out.filter((v, i) => {
        const e = expected[i]!;
        return Number.isNaN(e) ? !Number.isNaN(v) : !(Math.abs(v - e) <= 1e-5 * Math.abs(e));
      });
      expect(wrong.length).toBe(0);
    },
  );

  it("keeps nodata as NaN and leaves it out of its neighbours' windows", () => {
    const [width, height] = [50, 50];
    const tile = new Float32Array(width * height).fill(0.3);
    for (let y = 20; y < 30; y++) tile.fill(NaN, y * width + 20, y * width + 30);
    const out = filterRows(tile, width, height, 0, height, filter);
    for (let i = 0; i < tile.length; i++) {
      if (Number.isNaN(tile[i])) expect(out[i]).toBeNaN();
      else expect(out[i]).toBeCloseTo(0.3, 6);
    }
    expect(filterRows(new Float32Array(9).fill(NaN), 3, 3, 0, 3, filter).every(Number.isNaN)).toBe(true);
  });

  it.each([7, 25])(
    "gives the same bits filtered in stripes with their halo as filtered whole (window %i)",
    (window) => {
      const [width, height, r] = [1030, 150, (window - 1) / 2];
      const tile = speckle(width, height, LOOKS, (x) => 0.01 + x / 5000, 3);
      for (let i = 0; i < tile.length; i += 97) tile[i] = NaN;
      const options = { kind, window, looks: LOOKS };
      const whole = filterRows(tile, width, height, 0, height, options);
      for (const rows of [1, 17, 32, 64, 100]) {
        for (let y = 0; y < height; y += rows) {
          const count = Math.min(rows, height - y);
          const [top, bottom] = [Math.max(0, y - r), Math.min(height, y + count + r)];
          const stripe = tile.slice(top * width, bottom * width);
          const filtered = filterRows(stripe, width, bottom - top, y - top, count, options);
          expect(bytes(filtered).equals(bytes(whole.subarray(y * width, (y + count) * width)))).toBe(true);
        }
      }
    },
  );
});

describe("filterRows", () => {
  it("returns the rows unchanged with no filter", () => {
    const tile = Float32Array.from({ length: 12 }, (_, i) => i);
    const rows = filterRows(tile, 3, 4, 1, 2, { kind: "none", window: 7, looks: NaN });
    expect(Array.from(rows)).toEqual([3, 4, 5, 6, 7, 8]);
    rows[0] = -1;
    expect(tile[3]).toBe(3);
  });

  it("refuses windows that are not odd and 3 or more, looks that are not above 0, rows beyond the tile", () => {
    const tile = new Float32Array(100).fill(1);
    const filter = { kind: "gamma", window: 5, looks: 4 } as const;
    for (const window of [1, 4, 5.5]) {
      expect(() => filterRows(tile, 10, 10, 0, 10, { ...filter, window })).toThrow(/window must be an odd/);
    }
    for (const looks of [0, -1, NaN, Infinity]) {
      expect(() => filterRows(tile, 10, 10, 0, 10, { ...filter, looks })).toThrow(/looks above 0/);
    }
    expect(() => filterRows(tile, 10, 10, 5, 6, filter)).toThrow(
      /rows 5 to 11 are not rows of a tile 10 rows/,
    );
    expect(() => filterRows(tile, 10, 9, 0, 9, filter)).toThrow(/holds 100 values, not 10 x 9/);
  });
});

describe("estimateLooks", () => {
  it.each([1, 4, 10])("finds %i looks in homogeneous speckle within 10 %", (looks) => {
    const tile = speckle(450, 450, looks, () => 0.08, looks);
    expect(Math.abs(estimateLooks(tile, 450, 450) / looks - 1)).toBeLessThan(0.1);
  });

  it("is not thrown off by a brighter area, nodata, or texture over a sixth of the scene", () => {
    const sigma0 = (x: number): number => (x < 200 ? 0.08 : x < 275 ? 0.08 + (x % 5) * 0.1 : 0.5);
    const tile = speckle(450, 450, 4, sigma0, 5);
    for (let i = 0; i < tile.length; i += 450) tile.fill(NaN, i + 140, i + 150);
    expect(Math.abs(estimateLooks(tile, 450, 450) / 4 - 1)).toBeLessThan(0.1);
  });

  it("is NaN without a window free of nodata", () => {
    expect(estimateLooks(new Float32Array(400).fill(NaN), 20, 20)).toBeNaN();
    expect(estimateLooks(new Float32Array(16).fill(1), 4, 4)).toBeNaN();
  });
});
