import { describe, expect, it } from "vitest";
import { expandRcmRangeTable, type RcmRangeTable } from "../../../../src/imagery/rcm/rcm-range-table.js";

// How an RCM range table (entry k at sample pixelFirstValue + k * stepSize) becomes one value per sample, on
// hand-made tables; and where it agrees with GDAL 3.11's InterpolateValues (frmts/rcm/rcmdataset.cpp), ported
// below: everywhere GDAL's placement is the spec's.

const table = (pixelFirstValue: number, stepSize: number, values: number[]): RcmRangeTable => ({
  pixelFirstValue,
  stepSize,
  values: Float64Array.from(values),
});

describe("expandRcmRangeTable", () => {
  it("step 1 from sample 0: the values as listed", () => {
    expect(Array.from(expandRcmRangeTable(table(0, 1, [5, 6, 7, 8]), 4))).toEqual([5, 6, 7, 8]);
  });

  it("step -1 from the last sample: the values reversed", () => {
    expect(Array.from(expandRcmRangeTable(table(3, -1, [5, 6, 7, 8]), 4))).toEqual([8, 7, 6, 5]);
  });

  it("step 4: linear between entries, the last value held after the table", () => {
    expect(Array.from(expandRcmRangeTable(table(0, 4, [0, 8, 4]), 11))).toEqual([
      0, 2, 4, 6, 8, 7, 6, 5, 4, 4, 4,
    ]);
  });

  it("step -4 from sample 9: runs backwards, the end values held on both sides", () => {
    // Entries at samples 9, 5, 1.
    expect(Array.from(expandRcmRangeTable(table(9, -4, [0, 8, 4]), 11))).toEqual([
      4, 4, 5, 6, 7, 8, 6, 4, 2, 0, 0,
    ]);
  });

  it("a first sample inside the line: the first value held before it", () => {
    expect(Array.from(expandRcmRangeTable(table(2, 2, [10, 20]), 6))).toEqual([10, 10, 10, 15, 20, 20]);
  });

  it("one value: that value along the whole line, whatever the step (GDAL's fake product: 10, -17915)", () => {
    expect(Array.from(expandRcmRangeTable(table(10, -17915, [10]), 5))).toEqual([10, 10, 10, 10, 10]);
  });

  it("a first sample beyond the line: the nearest end value", () => {
    expect(Array.from(expandRcmRangeTable(table(-6, 3, [1, 4, 7]), 3))).toEqual([7, 7, 7]);
    expect(Array.from(expandRcmRangeTable(table(10, 3, [1, 4, 7]), 2))).toEqual([1, 1]);
  });

  it.each([
    ["step 1 from 0", table(0, 1, [3, 1, 4, 1, 5, 9, 2, 6]), 8],
    ["step -1 from the last sample", table(7, -1, [3, 1, 4, 1, 5, 9, 2, 6]), 8],
    ["step 3 from 0, the table as long as the line", table(0, 3, [3, 1, 4, 1]), 12],
    ["step -3, the last entry at sample 0", table(9, -3, [3, 1, 4, 1]), 12],
  ])(
    "agrees with GDAL's InterpolateValues where GDAL places entries as the spec does: %s",
    (_name, t, samples) => {
      const gdal = gdalInterpolateValues(t, samples);
      const ours = expandRcmRangeTable(t, samples);
      ours.forEach((value, i) => expect(value).toBeCloseTo(gdal[i]!, 12));
    },
  );

  it("differs from GDAL where GDAL ignores pixelFirstLutValue (|step| > 1, first sample 2)", () => {
    const t = table(2, 3, [3, 1, 4, 1]);
    expect(gdalInterpolateValues(t, 12)[0]).toBe(3);
    expect(expandRcmRangeTable(t, 12)[2]).toBe(3);
    expect(expandRcmRangeTable(t, 12)[0]).toBe(3);
    expect(gdalInterpolateValues(t, 12)[2]).not.toBe(3);
  });
});

/**
 * GDAL 3.11's InterpolateValues (frmts/rcm/rcmdataset.cpp), ported for comparison: its table is |step| * n long,
 * and pixelFirstLutValue only counts for a step of -1.
 */
function gdalInterpolateValues(t: RcmRangeTable, samples: number): Float64Array {
  const { pixelFirstValue: first, stepSize: step, values } = t;
  const n = values.length;
  const out = new Float64Array(Math.max(samples, Math.abs(step) * n));
  let k = 0;
  if (step <= 0) {
    const positive = Math.abs(step);
    if (positive === 1) {
      for (let i = first; i >= 0; i--) out[k++] = values[i]!;
    } else {
      for (let i = n - 1; i >= 0; i--) {
        let from = values[i]!;
        const to = i > 0 ? values[i - 1]! : from;
        const interp = (to - from) / positive;
        out[k++] = from;
        for (let j = 0; j < positive - 1; j++) {
          from += interp;
          out[k++] = from;
        }
      }
    }
  } else if (step === 1) {
    for (let i = 0; i < n; i++) out[i] = values[i]!;
  } else {
    for (let i = 0; i < n; i++) {
      let from = values[i]!;
      const to = i < n - 1 ? values[i + 1]! : from;
      const interp = (to - from) / step;
      out[k++] = from;
      for (let j = 0; j < step - 1; j++) {
        from += interp;
        out[k++] = from;
      }
    }
  }
  return out.subarray(0, samples);
}
