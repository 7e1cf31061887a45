import { describe, expect, it } from "vitest";
import {
  calibrateRows,
  NOISE_FLOOR,
  type RadarCalibration,
} from "../../../../src/pipeline/sar/sar-calibration.js";

// Every pixel against the formula, with a gain that changes along range, so a value calibrated with another
// column's gain shows.

const WIDTH = 37;
const ROWS = 5;

/** Gains that grow along range and wobble, as an antenna pattern and range spreading make them. */
const gains = Float64Array.from({ length: WIDTH }, (_, x) => 400 + 35 * x + 20 * Math.sin(x));

function dns(seed: number, length: number, min: number, max: number): Int32Array {
  let state = seed;
  return Int32Array.from({ length }, () => {
    state = (state * 48271) % 2147483647;
    return min + (state % (max - min + 1));
  });
}

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.abs(expected));
}

describe("calibrateRows", () => {
  it("gives (DN^2 + offset) / gain of the pixel's own column for detected samples, NaN for DN 0", () => {
    const dn = Uint16Array.from(dns(3, WIDTH * ROWS, 0, 3000));
    dn[4] = 0;
    dn[WIDTH * 2 + 36] = 0;
    const calibration: RadarCalibration = { kind: "detected", gains, offset: 250.5 };
    const out = calibrateRows(calibration, { kind: "detected", dn });
    expect(out).toHaveLength(WIDTH * ROWS);
    for (let i = 0; i < dn.length; i++) {
      const value = dn[i]!;
      if (value === 0) expect(out[i]).toBeNaN();
      else expectClose(out[i]!, (value * value + 250.5) / gains[i % WIDTH]!);
    }
    expect(out.filter(Number.isNaN).length).toBe(dn.filter((v) => v === 0).length);
  });

  it("gives (I^2 + Q^2) / gain^2 for complex samples, NaN only where both parts are 0", () => {
    const i = Int16Array.from(dns(5, WIDTH * ROWS, -2000, 2000));
    const q = Int16Array.from(dns(9, WIDTH * ROWS, -2000, 2000));
    [i[0], q[0]] = [0, 0];
    [i[1], q[1]] = [0, -17];
    [i[2], q[2]] = [23, 0];
    const calibration: RadarCalibration = { kind: "complex", gains, offset: 0 };
    const out = calibrateRows(calibration, { kind: "complex", i, q });
    expect(out[0]).toBeNaN();
    for (let k = 1; k < i.length; k++) {
      const gain = gains[k % WIDTH]!;
      expectClose(out[k]!, (i[k]! ** 2 + q[k]! ** 2) / (gain * gain));
    }
  });

  it("reads any numeric array and writes into the array it is given", () => {
    const dn = Float64Array.from(dns(7, WIDTH * 2, 1, 500));
    const into = new Float32Array(WIDTH * 2);
    const out = calibrateRows({ kind: "detected", gains, offset: 0 }, { kind: "detected", dn }, into);
    expect(out).toBe(into);
    expectClose(out[WIDTH + 3]!, dn[WIDTH + 3]! ** 2 / gains[3]!);
  });

  it("refuses samples that do not fit the calibration, and gains that are not positive numbers", () => {
    const detected: RadarCalibration = { kind: "detected", gains, offset: 0 };
    const dn = new Uint16Array(WIDTH * 2).fill(1);
    expect(() => calibrateRows(detected, { kind: "complex", i: dn, q: dn })).toThrow(
      /detected calibration cannot calibrate complex samples/,
    );
    expect(() => calibrateRows(detected, { kind: "detected", dn: dn.subarray(1) })).toThrow(
      /73 samples are not whole rows of 37 columns/,
    );
    expect(() =>
      calibrateRows({ kind: "complex", gains, offset: 0 }, { kind: "complex", i: dn, q: dn.subarray(1) }),
    ).toThrow(/74 in-phase samples but 73 quadrature/);
    const zero = Float64Array.from(gains, (g, x) => (x === 12 ? 0 : g));
    expect(() => calibrateRows({ ...detected, gains: zero }, { kind: "detected", dn })).toThrow(
      /gain for column 12 is 0/,
    );
    expect(() => calibrateRows(detected, { kind: "detected", dn }, new Float32Array(3))).toThrow(
      /cannot write 74 calibrated values into 3/,
    );
  });
});

describe("noise removal", () => {
  it("subtracts each column's noise level after calibration, holding the result at NOISE_FLOOR", () => {
    const gains = Float64Array.from([2, 4, 8]);
    const noise = Float64Array.from([10, 0.5, 1000]);
    const dn = Uint16Array.from([10, 10, 10, 0, 3, 20]);
    const out = calibrateRows({ kind: "detected", gains, offset: 0, noise }, { kind: "detected", dn });
    expect(Array.from(out)).toEqual(
      [
        100 / 2 - 10,
        Math.fround(100 / 4 - 0.5),
        NOISE_FLOOR,
        NaN,
        Math.fround(Math.max(9 / 4 - 0.5, NOISE_FLOOR)),
        NOISE_FLOOR,
      ].map((v) => (Number.isNaN(v) ? NaN : Math.fround(v))),
    );
  });

  it("refuses noise levels that are not one per column", () => {
    expect(() =>
      calibrateRows(
        { kind: "detected", gains: Float64Array.from([1, 1]), offset: 0, noise: Float64Array.from([1]) },
        { kind: "detected", dn: Uint16Array.from([1, 1]) },
      ),
    ).toThrow("1 noise levels for 2 columns");
  });
});
