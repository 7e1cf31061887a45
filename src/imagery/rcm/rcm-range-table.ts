import { z } from "zod";
import type { XmlElement } from "../sentinel2/xml-element.js";
import { integerText } from "../sentinel2/xml-text.js";

// RCM's calibration files (lut*_<POL>.xml, noiseLevels_<POL>.xml, incidenceAngles.xml) give a quantity along
// range as a table sampled every stepSize range samples from a first one, and the readers expand it to one value
// per sample of a line.
//
// What the table means, from the RCM Product Format Definition (RCM-SP-53-0419) as GDAL 3.11's
// frmts/rcm/rcmdataset.cpp quotes it above ReadLUT and ReadNoiseLevels: "The gains list spans the range extent
// covered by all beams (if applicable). The mapping between the entry of gains list and the range sample index
// is: the range sample index = gains entry index * stepSize + pixelFirstLutValue, where the gains entry index
// starts with 0." So entry k sits at sample first + k * step: a negative step runs the table backwards from
// its first value (a product whose range time decreases along the line lists its gains from the far end), and
// |step| > 1 leaves samples between two entries.
//
// What we do, and where GDAL 3.11's InterpolateValues differs:
// - Between two entries the value is interpolated linearly, as GDAL does (ESA SNAP's RCM operators hold the
//   entry below instead).
// - Entries are placed at first + k * step for any first. GDAL ignores pixelFirstLutValue unless |step| is 1: it
//   puts entry 0 at sample 0 for a positive step and the last entry at sample 0 for a negative one, which is the
//   spec's placement only when first is 0 or (n - 1) |step|.
// - Samples outside the table's span hold the nearest end value (numpy.interp's rule; GDAL repeats the last
//   value after it and refuses a table shorter than the line, |step| * n < samples).

/** A range table as listed: values[k] belongs to range sample pixelFirstValue + k * stepSize. */
export interface RcmRangeTable {
  readonly pixelFirstValue: number;
  /** Non-zero; negative: the table runs towards the near end of the line. */
  readonly stepSize: number;
  readonly values: Float64Array;
}

/** The table's value at every sample 0..samples-1: linear between entries, the end value beyond them. */
export function expandRcmRangeTable(table: RcmRangeTable, samples: number): Float64Array {
  const { pixelFirstValue: first, stepSize: step, values } = table;
  const last = values.length - 1;
  const out = new Float64Array(samples);
  for (let sample = 0; sample < samples; sample++) {
    // The entry index the sample falls at, fractional between entries.
    const at = (sample - first) / step;
    if (!(at > 0)) out[sample] = values[0]!;
    else if (at >= last) out[sample] = values[last]!;
    else {
      const k = Math.floor(at);
      const t = at - k;
      out[sample] = values[k]! + t * (values[k + 1]! - values[k]!);
    }
  }
  return out;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const STEP = integerText.pipe(z.number().refine((n) => n !== 0, { error: "is 0" }));
const COUNT = integerText.pipe(z.number().positive({ error: "is not a positive integer" }));

/** The element names of one table: lut's pixelFirstLutValue/gains, noise's pixelFirstNoiseValue/noiseLevelValues. */
export interface RangeTableElements {
  readonly first: string;
  readonly values: string;
  /** Which values are allowed, for the message: gains must be positive, dB levels are any number. */
  readonly positive: boolean;
}

/**
 * Reads first, stepSize, numberOfValues and the values of a table element; numberOfValues must count the values.
 * Every fault throws naming the file and element.
 */
export function readRcmRangeTable(table: XmlElement, names: RangeTableElements): RcmRangeTable {
  const pixelFirstValue = table.get(names.first).value(integerText);
  const stepSize = table.get("stepSize").value(STEP);
  const countElement = table.get("numberOfValues");
  const count = countElement.value(COUNT);
  const element = table.get(names.values);
  const tokens = element
    .text()
    .split(/\s+/)
    .filter((t) => t !== "");
  if (tokens.length === 0) throw element.error(`<${element.path}> is empty`);
  const values = new Float64Array(tokens.length);
  tokens.forEach((token, i) => {
    const value = NUMBER.test(token) ? Number(token) : NaN;
    const bad = !Number.isFinite(value)
      ? "is not a number"
      : names.positive && !(value > 0)
        ? "is not a positive number"
        : undefined;
    if (bad !== undefined) {
      throw element.error(
        `<${element.path}> value ${i + 1} of ${tokens.length} ${bad}: ${JSON.stringify(token)}`,
      );
    }
    values[i] = value;
  });
  if (count !== values.length) {
    throw countElement.error(
      `<${countElement.path}> is ${count}, but <${element.path}> holds ${values.length} values`,
    );
  }
  return { pixelFirstValue, stepSize, values };
}
