import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calibration } from "../../../../src/common/radar.js";
import { rcmGainsPerSample, readRcmCalibration, readRcmLut } from "../../../../src/imagery/rcm/rcm-lut.js";
import { RcmMetadataError } from "../../../../src/imagery/rcm/rcm-metadata-error.js";
import { readRcmNoise, readRcmNoiseTable } from "../../../../src/imagery/rcm/rcm-noise.js";
import { readRcmProduct } from "../../../../src/imagery/rcm/rcm-product.js";
import {
  SYNTHETIC_RCM_LUT_OFFSET,
  writeSyntheticRcm,
  type SyntheticRcm,
} from "../../../helpers/synthetic-rcm.js";

// The LUTs and noise levels of a synthetic RCM product, listed as RCM lists them (sigma0 backwards every 3
// samples, beta0 every 4, gamma0 every 5 from sample 2 and ending early; noise levels backwards every 7 from
// sample 398 to 13, or forwards every 6), read and expanded to one value per sample against a reference computed
// here; and each malformed file failing with the file and element named.

const CALIBRATIONS: readonly Calibration[] = ["sigma0", "beta0", "gamma0"];
const SAMPLES = 400;

let temp: string;
let synthetic: SyntheticRcm;
beforeAll(async () => {
  temp = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-rcm-calibration-"));
  synthetic = await writeSyntheticRcm(path.join(temp, "synthetic"));
});
afterAll(async () => {
  await fs.rm(temp, { recursive: true, force: true });
});

describe("LUTs", () => {
  it("reads each channel's LUT as written: first sample, step (negative for sigma0), offset, gains as listed", async () => {
    const layouts = { sigma0: [399, -3, 134], beta0: [0, 4, 101], gamma0: [2, 5, 79] };
    for (const channel of ["VV", "VH"] as const) {
      for (const calibration of CALIBRATIONS) {
        const written = synthetic.lut(channel, calibration);
        const lut = await readRcmLut(synthetic.dir, written.file);
        const [first, step, count] = layouts[calibration];
        expect(lut).toEqual({
          pixelFirstValue: first,
          stepSize: step,
          offset: SYNTHETIC_RCM_LUT_OFFSET,
          gains: written.values,
        });
        expect(lut.gains).toHaveLength(count!);
      }
    }
  });

  it.each(CALIBRATIONS)(
    "%s: the gain at every sample equals a reference interpolation between listed entries (relative 1e-6)",
    async (calibration) => {
      for (const channel of ["VV", "VH"] as const) {
        const lut = await readRcmLut(synthetic.dir, synthetic.lut(channel, calibration).file);
        const gains = rcmGainsPerSample(lut, SAMPLES);
        expect(gains).toHaveLength(SAMPLES);
        const reference = referenceExpansion(lut.pixelFirstValue, lut.stepSize, lut.gains, SAMPLES);
        expect(worstRelative(gains, reference)).toBeLessThan(1e-6);
        expect(worstRelative(gains, synthetic.gains(channel, calibration))).toBeLessThan(1e-6);
        // Entry k is the gain of sample first + k * step, exactly.
        lut.gains.forEach((gain, k) => {
          const sample = lut.pixelFirstValue + k * lut.stepSize;
          if (sample >= 0 && sample < SAMPLES) expect(gains[sample]).toBe(gain);
        });
      }
    },
  );

  it("runs a negative step backwards: sigma0's first gain is the last sample's, its last the first sample's", async () => {
    const lut = await readRcmLut(synthetic.dir, synthetic.lut("VV", "sigma0").file);
    const gains = rcmGainsPerSample(lut, SAMPLES);
    expect(gains[399]).toBe(lut.gains[0]);
    expect(gains[396]).toBe(lut.gains[1]);
    expect(gains[0]).toBe(lut.gains[133]);
    // Two thirds of the way from sample 399 (entry 0) to 396 (entry 1).
    expect(gains[397]).toBeCloseTo(lut.gains[0]! + (2 / 3) * (lut.gains[1]! - lut.gains[0]!), 6);
  });

  it("holds the end gains outside a table's span: gamma0 lists samples 2 to 392", async () => {
    const lut = await readRcmLut(synthetic.dir, synthetic.lut("VH", "gamma0").file);
    const gains = rcmGainsPerSample(lut, SAMPLES);
    expect([gains[0], gains[1], gains[2]]).toEqual([lut.gains[0], lut.gains[0], lut.gains[0]]);
    const last = lut.gains[lut.gains.length - 1]!;
    expect(Array.from(gains.subarray(392))).toEqual(new Array(8).fill(last));
    expect(gains[3]).toBeCloseTo(lut.gains[0]! + 0.2 * (lut.gains[1]! - lut.gains[0]!), 6);
  });

  it.each(CALIBRATIONS)("%s: (DN² + offset) / A pixel for pixel (relative 1e-6)", async (calibration) => {
    const product = await readRcmProduct(synthetic.dir);
    for (const channel of product.channels) {
      const { offset, gains } = await readRcmCalibration(synthetic.dir, product, channel, calibration);
      expect(offset).toBe(SYNTHETIC_RCM_LUT_OFFSET);
      const ours = Float64Array.from(
        synthetic.dn(channel),
        (dn, i) => (dn * dn + offset) / gains[i % SAMPLES]!,
      );
      expect(worstRelative(ours, synthetic.calibrated(channel, calibration))).toBeLessThan(1e-6);
    }
  });
});

describe("noise levels", () => {
  it("reads the reference level of each calibration as written, in dB", async () => {
    for (const calibration of CALIBRATIONS) {
      const written = synthetic.noiseTable("VH", calibration);
      expect(await readRcmNoiseTable(synthetic.dir, written.file, calibration)).toEqual({
        calibration,
        pixelFirstValue: written.pixelFirstValue,
        stepSize: written.stepSize,
        values: written.values,
      });
    }
    expect(synthetic.noiseTable("VV", "sigma0")).toMatchObject({ pixelFirstValue: 398, stepSize: -7 });
  });

  it.each(CALIBRATIONS)(
    "%s: linear noise at every sample is 10^(dB/10) of the dB interpolated between entries (relative 1e-6)",
    async (calibration) => {
      for (const channel of ["VV", "VH"] as const) {
        const table = synthetic.noiseTable(channel, calibration);
        const noise = await readRcmNoise(synthetic.dir, table.file, calibration, SAMPLES);
        const reference = referenceExpansion(
          table.pixelFirstValue,
          table.stepSize,
          table.values,
          SAMPLES,
        ).map((db) => 10 ** (db / 10));
        expect(worstRelative(noise, reference)).toBeLessThan(1e-6);
        expect(worstRelative(noise, synthetic.noise(channel, calibration))).toBeLessThan(1e-6);
        // Around -24 dB, 3 dB up at the ends: not the per-beam levels 10 dB above, nor dB.
        expect(Math.min(...noise)).toBeGreaterThan(10 ** -2.6);
        expect(Math.max(...noise)).toBeLessThan(10 ** -1.9);
      }
    },
  );
});

describe("malformed LUTs and noise levels fail naming the file and element", () => {
  const LUT = "metadata/calibration/lutSigma_VV.xml";
  const lutCases: [string, (text: string) => string, string | RegExp][] = [
    [
      "a LUT that is not XML",
      (text) => text.replace("</lut>", ""),
      /^metadata\/calibration\/lutSigma_VV\.xml is not well-formed XML \(line \d+, column \d+\)/,
    ],
    [
      "numberOfValues that does not count the gains",
      (text) => text.replace("<numberOfValues>134<", "<numberOfValues>135<"),
      `${LUT}: <numberOfValues> is 135, but <gains> holds 134 values`,
    ],
    [
      "one gain too few",
      (text) => text.replace(/ \S+<\/gains>/, "</gains>"),
      `${LUT}: <numberOfValues> is 134, but <gains> holds 133 values`,
    ],
    [
      "a gain that is not a number",
      (text) => text.replace(/(<gains>(?:\S+ ){17})\S+/, "$1abc"),
      `${LUT}: <gains> value 18 of 134 is not a number: "abc"`,
    ],
    [
      "a gain of 0",
      (text) => text.replace(/<gains>\S+/, "<gains>0"),
      `${LUT}: <gains> value 1 of 134 is not a positive number: "0"`,
    ],
    ["a step of 0", (text) => text.replace("<stepSize>-3<", "<stepSize>0<"), `${LUT}: <stepSize> is 0: "0"`],
    [
      "a fractional step",
      (text) => text.replace("<stepSize>-3<", "<stepSize>-2.5<"),
      `${LUT}: <stepSize> is not an integer: "-2.5"`,
    ],
    [
      "no first sample",
      (text) => text.replace(/<pixelFirstLutValue>.*<\/pixelFirstLutValue>/, ""),
      `${LUT}: no <pixelFirstLutValue>`,
    ],
    [
      "an offset that is not a number",
      (text) => text.replace(/<offset>[^<]*</, "<offset>none<"),
      `${LUT}: <offset> is not a number: "none"`,
    ],
    ["no gains", (text) => text.replace(/<gains>[^<]*<\/gains>/, ""), `${LUT}: no <gains>`],
  ];

  it.each(lutCases)("%s", async (_name, breakIt, message) => {
    const dir = await brokenCopy();
    await edit(dir, LUT, breakIt);
    const product = await readRcmProduct(dir);
    await expect(readRcmCalibration(dir, product, "VV", "sigma0")).rejects.toThrow(RcmMetadataError);
    await expect(readRcmCalibration(dir, product, "VV", "sigma0")).rejects.toThrow(message);
    // The other tables are untouched.
    await expect(readRcmCalibration(dir, product, "VH", "sigma0")).resolves.toMatchObject({ offset: 50 });
    await expect(readRcmCalibration(dir, product, "VV", "beta0")).resolves.toMatchObject({ offset: 50 });
  });

  it("a LUT file that is not there", async () => {
    const dir = await brokenCopy();
    const product = await readRcmProduct(dir);
    await fs.rm(path.join(dir, "metadata", "calibration", "lutGamma_VH.xml"));
    await expect(readRcmCalibration(dir, product, "VH", "gamma0")).rejects.toThrow(
      `metadata/calibration/lutGamma_VH.xml not found in ${synthetic.id}`,
    );
  });

  const NOISE = "metadata/calibration/noiseLevels_VV.xml";
  const noiseCases: [string, Calibration, (text: string) => string, string][] = [
    [
      "no level of the calibration",
      "gamma0",
      (text) =>
        text.replace(/<referenceNoiseLevel>\s*<sarCalibrationType>Gamma<[\s\S]*?<\/referenceNoiseLevel>/, ""),
      `${NOISE}: no <referenceNoiseLevel> with <sarCalibrationType>Gamma</sarCalibrationType>`,
    ],
    [
      "numberOfValues that does not count the levels",
      "sigma0",
      (text) => text.replace(/(<sarCalibrationType>Sigma Nought<[\s\S]*?<numberOfValues>)56</, "$155<"),
      `${NOISE}: <referenceNoiseLevel/numberOfValues> is 55, but <referenceNoiseLevel/noiseLevelValues> holds 56 values (the Sigma Nought level)`,
    ],
    [
      "levels that are not dB",
      "beta0",
      (text) => text.replace('<noiseLevelValues units="dB">', '<noiseLevelValues units="linear">'),
      `${NOISE}: <referenceNoiseLevel/noiseLevelValues> units linear are not dB (the Beta Nought level)`,
    ],
    [
      "a level that is not a number",
      "beta0",
      (text) => text.replace(/(<noiseLevelValues units="dB">)\S+/, "$1NaN"),
      `${NOISE}: <referenceNoiseLevel/noiseLevelValues> value 1 of 68 is not a number: "NaN" (the Beta Nought level)`,
    ],
  ];

  it.each(noiseCases)("noise levels with %s", async (_name, calibration, breakIt, message) => {
    const dir = await brokenCopy();
    await edit(dir, NOISE, breakIt);
    await expect(readRcmNoise(dir, NOISE, calibration, SAMPLES)).rejects.toThrow(RcmMetadataError);
    await expect(readRcmNoise(dir, NOISE, calibration, SAMPLES)).rejects.toThrow(message);
    await expect(readRcmNoise(dir, NOISE.replace("VV", "VH"), calibration, SAMPLES)).resolves.toHaveLength(
      SAMPLES,
    );
  });
});

/**
 * The spec's mapping, computed another way: every listed entry at sample first + k * step, each sample between
 * the nearest entries below and above it (found by scanning them all), and beyond the outermost entries their value.
 */
function referenceExpansion(
  first: number,
  step: number,
  values: Float64Array,
  samples: number,
): Float64Array {
  const entries = Array.from(values, (value, k) => ({ at: first + k * step, value }));
  return Float64Array.from({ length: samples }, (_, s) => {
    let below: { at: number; value: number } | undefined;
    let above: { at: number; value: number } | undefined;
    for (const entry of entries) {
      if (entry.at <= s && (below === undefined || entry.at > below.at)) below = entry;
      if (entry.at >= s && (above === undefined || entry.at < above.at)) above = entry;
    }
    if (below === undefined) return above!.value;
    if (above === undefined || above.at === below.at) return below.value;
    return below.value + ((s - below.at) / (above.at - below.at)) * (above.value - below.value);
  });
}

function worstRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.abs(expected[i]!));
  }
  return worst;
}

let copies = 0;

async function brokenCopy(): Promise<string> {
  const dir = path.join(temp, `broken-${++copies}`, synthetic.id);
  await fs.cp(synthetic.dir, dir, { recursive: true });
  return dir;
}

async function edit(dir: string, file: string, change: (text: string) => string): Promise<void> {
  const full = path.join(dir, file);
  const text = await fs.readFile(full, "utf8");
  const changed = change(text);
  if (changed === text) throw new Error("test: the edit changed nothing");
  await fs.writeFile(full, changed);
}
