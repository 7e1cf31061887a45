import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import type { Calibration } from "../../src/common/radar.js";
import type { RcmChannel, RcmProductType } from "../../src/imagery/rcm/rcm-product-schema.js";
import { gamma, mulberry32 } from "../../scripts/synthetic-radarsat2-product.mjs";
import {
  SYNTHETIC_FOOTPRINT,
  syntheticGeometry,
  zipRadarsat2Product,
  type SyntheticGeometry,
} from "./synthetic-radarsat2.js";

// An RCM product folder made up for tests, laid out and written as the CSA delivers one: manifest.safe,
// metadata/product.xml (namespace rcmGsProductSchema, the element order of GDAL's fake RCM product with real
// values), metadata/calibration/lut{Sigma,Beta,Gamma}_<POL>.xml, noiseLevels_<POL>.xml and incidenceAngles.xml,
// imagery/<POL>.tif. Every value is known: a sigma0 image per channel times seeded gamma speckle of the product's
// looks, DNs from the sigma0 LUT, and RADARSAT-2's synthetic RPC model over the SRTM fixture tiles (N50E008,
// N50E009), so RCM and RS2 share the terrain test set-up. The tables are listed as RCM lists them, and unlike
// RADARSAT-2's not one entry per sample: sigma0 LUTs and noise levels run backwards (negative stepSize), the
// others every 4 or 5 samples, gamma0's starting at sample 2 and ending before the line does. The helper
// expands them on its own (numpy.interp's rule: linear between entries, the end value beyond), independently of
// src/, and pixels are always detected UInt16, whatever the product type says.

export { SYNTHETIC_FOOTPRINT, zipRadarsat2Product as zipRcmProduct };

export const RCM_NAMESPACE = "rcmGsProductSchema";
/** One offset for every LUT. */
export const SYNTHETIC_RCM_LUT_OFFSET = 50;
const CALIBRATIONS: readonly Calibration[] = ["beta0", "sigma0", "gamma0"];
const TYPES: Readonly<Record<Calibration, string>> = {
  sigma0: "Sigma Nought",
  beta0: "Beta Nought",
  gamma0: "Gamma",
};
const LUT_NAMES: Readonly<Record<Calibration, string>> = { sigma0: "Sigma", beta0: "Beta", gamma0: "Gamma" };

export interface SyntheticRcmOptions {
  /** Image size; default 400 samples x 300 lines. */
  readonly samples?: number;
  readonly lines?: number;
  /** Default VV, VH. */
  readonly channels?: readonly RcmChannel[];
  /** Default GRD. */
  readonly productType?: RcmProductType;
  /** Default 16M5 (Medium Resolution 16m, beam 5). */
  readonly beamMode?: string;
  /** radarParameters/acquisitionType and beamMode, in words; default "Medium Resolution 16m" (16M5's). */
  readonly acquisitionType?: string;
  /** Default 1 x 1: single-look speckle. */
  readonly looks?: { readonly range: number; readonly azimuth: number };
  /** Tiled 256 x 256 image files instead of strips (default false). */
  readonly tiled?: boolean;
  /** Write the RPC model (default true); false writes GDAL's fake product's block of zeros. */
  readonly rpc?: boolean;
  /** The speckle-free sigma0 (linear) at a line and sample; default two areas, cross-pol a fifth of co-pol. */
  readonly sigma0?: (line: number, pixel: number, channel: RcmChannel) => number;
  /** Default 1. */
  readonly seed?: number;
  /** Acquisition start, ISO 8601 UTC to the second; default 2021-08-15T10:10:10Z. */
  readonly time?: string;
}

/** A table as a file lists it: values[k] at sample pixelFirstValue + k * stepSize. */
export interface SyntheticTable {
  /** Relative to the product folder. */
  readonly file: string;
  readonly pixelFirstValue: number;
  readonly stepSize: number;
  readonly values: Float64Array;
}

export interface SyntheticRcm {
  readonly id: string;
  /** The product folder: <parent>/<id>. */
  readonly dir: string;
  /** <dir>/metadata/product.xml. */
  readonly productXml: string;
  readonly samples: number;
  readonly lines: number;
  readonly channels: readonly RcmChannel[];
  readonly geometry: SyntheticGeometry;
  /** A channel's LUT as written (values: the gains); its offset is SYNTHETIC_RCM_LUT_OFFSET. */
  lut(channel: RcmChannel, calibration: Calibration): SyntheticTable;
  /** A channel's reference noise levels of a calibration as written (values in dB). */
  noiseTable(channel: RcmChannel, calibration: Calibration): SyntheticTable;
  /** A channel's DNs, line by line, as in its image file. */
  dn(channel: RcmChannel): Uint16Array;
  /** The gain A at every sample of a line, expanded by the helper. */
  gains(channel: RcmChannel, calibration: Calibration): Float64Array;
  /** (DN² + offset) / A[sample]: what calibration must give, pixel for pixel. */
  calibrated(channel: RcmChannel, calibration: Calibration): Float64Array;
  /** The noise-equivalent level at every sample of a line, linear power (10^(dB/10) of the expanded dB). */
  noise(channel: RcmChannel, calibration: Calibration): Float64Array;
  /** The speckle-free sigma0 the DNs were made from. */
  readonly sigma0: (line: number, pixel: number, channel: RcmChannel) => number;
}

/** Writes a product folder <parent>/<id> and returns what tests need to check readings of it. */
export async function writeSyntheticRcm(
  parent: string,
  options: SyntheticRcmOptions = {},
): Promise<SyntheticRcm> {
  const samples = options.samples ?? 400;
  const lines = options.lines ?? 300;
  const channels = options.channels ?? ["VV", "VH"];
  const productType = options.productType ?? "GRD";
  const beamMode = options.beamMode ?? "16M5";
  const looks = options.looks ?? { range: 1, azimuth: 1 };
  const time = options.time ?? "2021-08-15T10:10:10Z";
  const sigma0 = options.sigma0 ?? twoAreas(samples, lines);
  const [date = "", clock = ""] = time.replace(/[-:]/g, "").replace("Z", "").split("T");
  const id = `RCM1_OK1234567_PK1234568_1_${beamMode}_${date}_${clock}_${channels.join("_")}_${productType}`;
  const dir = path.join(parent, id);
  const calibrationDir = path.join(dir, "metadata", "calibration");
  await fs.mkdir(calibrationDir, { recursive: true });
  await fs.mkdir(path.join(dir, "imagery"));
  const geometry = syntheticGeometry(samples, lines);

  const luts = new Map<string, SyntheticTable>();
  const noises = new Map<string, SyntheticTable>();
  for (const [index, channel] of channels.entries()) {
    for (const calibration of CALIBRATIONS) {
      const lut = table(
        `lut${LUT_NAMES[calibration]}_${channel}.xml`,
        LUT_LAYOUT[calibration](samples),
        (x) => gainAt(calibration, index, x),
      );
      luts.set(`${channel} ${calibration}`, lut);
      await fs.writeFile(path.join(dir, lut.file), lutXml(lut));
      noises.set(
        `${channel} ${calibration}`,
        table(`noiseLevels_${channel}.xml`, NOISE_LAYOUT[calibration](samples), (x) =>
          noiseDbAt(calibration, index, x, samples),
        ),
      );
    }
    const levels = CALIBRATIONS.map((calibration) => noises.get(`${channel} ${calibration}`)!);
    await fs.writeFile(path.join(calibrationDir, `noiseLevels_${channel}.xml`), noiseXml(levels, beamMode));
  }
  await fs.writeFile(path.join(calibrationDir, "incidenceAngles.xml"), incidenceXml(samples));
  const lutOf = (channel: RcmChannel, calibration: Calibration) =>
    luts.get(`${channel} ${calibration}`) ?? fail(`no ${channel} in the synthetic product`);
  const gainsOf = (channel: RcmChannel, calibration: Calibration) =>
    interp(lutOf(channel, calibration), samples);

  const dns = new Map<RcmChannel, Uint16Array>();
  const stats: string[] = [];
  for (const [index, channel] of channels.entries()) {
    const random = mulberry32((options.seed ?? 1) * 7919 + index);
    const shape = looks.range * looks.azimuth;
    const gains = gainsOf(channel, "sigma0");
    const dn = new Uint16Array(samples * lines);
    for (let line = 0; line < lines; line++) {
      for (let pixel = 0; pixel < samples; pixel++) {
        const power = sigma0(line, pixel, channel) * gamma(shape, random) * gains[pixel]!;
        const value = Math.round(Math.sqrt(Math.max(power - SYNTHETIC_RCM_LUT_OFFSET, 0)));
        dn[line * samples + pixel] = Math.min(Math.max(value, 1), 65535);
      }
    }
    dns.set(channel, dn);
    stats.push(meanAndSigma(channel, dn));
    await writeImage(path.join(dir, "imagery", `${channel}.tif`), samples, lines, dn, options.tiled ?? false);
  }
  await fs.writeFile(path.join(dir, "manifest.safe"), MANIFEST);
  const productXml = path.join(dir, "metadata", "product.xml");
  const values = {
    id,
    samples,
    lines,
    channels,
    productType,
    beamMode,
    acquisitionType: options.acquisitionType ?? "Medium Resolution 16m",
    looks,
    time,
    geometry,
    rpc: options.rpc,
  };
  await fs.writeFile(productXml, productXmlText(values, stats));

  const dnOf = (channel: RcmChannel) => dns.get(channel) ?? fail(`no ${channel} in the synthetic product`);
  return {
    id,
    dir,
    productXml,
    samples,
    lines,
    channels,
    geometry,
    lut: lutOf,
    noiseTable: (channel, calibration) =>
      noises.get(`${channel} ${calibration}`) ?? fail(`no ${channel} in the synthetic product`),
    dn: dnOf,
    gains: gainsOf,
    calibrated: (channel, calibration) => {
      const gains = gainsOf(channel, calibration);
      return Float64Array.from(
        dnOf(channel),
        (dn, i) => (dn * dn + SYNTHETIC_RCM_LUT_OFFSET) / gains[i % samples]!,
      );
    },
    noise: (channel, calibration) => {
      const noise = noises.get(`${channel} ${calibration}`) ?? fail(`no ${channel} in the synthetic product`);
      return interp(noise, samples).map((db) => 10 ** (db / 10));
    },
    sigma0,
  };
}

interface Layout {
  readonly first: number;
  readonly step: number;
  readonly count: number;
}

/** Where each calibration's entries sit: backwards every 3 samples, every 4 from 0, every 5 from 2 (short). */
const LUT_LAYOUT: Readonly<Record<Calibration, (samples: number) => Layout>> = {
  sigma0: (n) => ({ first: n - 1, step: -3, count: Math.ceil(n / 3) }),
  beta0: (n) => ({ first: 0, step: 4, count: Math.ceil((n - 1) / 4) + 1 }),
  gamma0: (n) => ({ first: 2, step: 5, count: Math.floor((n - 3) / 5) }),
};
/** Noise levels: sigma0's backwards every 7 samples from the last but one, short of sample 0; others every 6. */
const NOISE_LAYOUT: Readonly<Record<Calibration, (samples: number) => Layout>> = {
  sigma0: (n) => ({ first: n - 2, step: -7, count: Math.floor((n - 2) / 7) }),
  beta0: (n) => ({ first: 0, step: 6, count: Math.ceil((n - 1) / 6) + 1 }),
  gamma0: (n) => ({ first: 0, step: 6, count: Math.ceil((n - 1) / 6) + 1 }),
};

const GAIN_POLYNOMIALS: Readonly<Record<Calibration, { a: number; b: number; c: number }>> = {
  sigma0: { a: 2.0e6, b: 2500, c: 3 },
  beta0: { a: 1.5e6, b: 1200, c: 2 },
  gamma0: { a: 2.5e6, b: 3100, c: 4 },
};

/** The gain at range position x: a + b x + c x², distinct per calibration, channels 10 % apart. */
function gainAt(calibration: Calibration, channel: number, x: number): number {
  const { a, b, c } = GAIN_POLYNOMIALS[calibration];
  return (a + b * x + c * x * x) * (1 + 0.1 * channel);
}

/** Noise levels in dB: a bowl across the line, 3 dB higher at the ends, distinct per calibration and channel. */
function noiseDbAt(calibration: Calibration, channel: number, x: number, samples: number): number {
  const base = { sigma0: -24, beta0: -23, gamma0: -25 }[calibration];
  const u = (x - samples / 2) / (samples / 2);
  return base + 3 * u * u + 0.5 * channel;
}

/** A table's entries, with values as their text reads back (what a reader of the file gets). */
function table(name: string, layout: Layout, at: (x: number) => number): SyntheticTable {
  const values = Float64Array.from({ length: layout.count }, (_, k) =>
    Number(exp(at(layout.first + k * layout.step))),
  );
  return {
    file: `metadata/calibration/${name}`,
    pixelFirstValue: layout.first,
    stepSize: layout.step,
    values,
  };
}

/** A table at every sample 0..samples-1: linear between entries sorted by position, the end value beyond. */
function interp(t: SyntheticTable, samples: number): Float64Array {
  const points = Array.from(t.values, (value, k) => ({ x: t.pixelFirstValue + k * t.stepSize, value })).sort(
    (p, q) => p.x - q.x,
  );
  const first = points[0]!;
  const last = points[points.length - 1]!;
  let j = 0;
  return Float64Array.from({ length: samples }, (_, s) => {
    if (s <= first.x) return first.value;
    if (s >= last.x) return last.value;
    while (points[j + 1]!.x < s) j++;
    const [p, q] = [points[j]!, points[j + 1]!];
    return p.value + ((s - p.x) / (q.x - p.x)) * (q.value - p.value);
  });
}

/** A bright rectangle (the middle half of lines and samples) in darker surroundings; cross-pol a fifth. */
function twoAreas(samples: number, lines: number) {
  return (line: number, pixel: number, channel: RcmChannel): number => {
    const inside =
      line >= lines / 4 && line < (3 * lines) / 4 && pixel >= samples / 4 && pixel < (3 * samples) / 4;
    const copol = inside ? 0.25 : 0.04;
    return channel === "HV" || channel === "VH" || channel === "CV" ? copol / 5 : copol;
  };
}

async function writeImage(file: string, samples: number, lines: number, dn: Uint16Array, tiled: boolean) {
  const options = tiled ? ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256"] : [];
  const dataset = gdal.open(file, "w", "GTiff", samples, lines, 1, gdal.GDT_UInt16, options);
  try {
    await dataset.bands.get(1).pixels.writeAsync(0, 0, samples, lines, dn);
  } finally {
    dataset.close();
  }
}

function meanAndSigma(channel: RcmChannel, dn: Uint16Array): string {
  const mean = dn.reduce((a, b) => a + b, 0) / dn.length;
  const sigma = Math.sqrt(dn.reduce((a, b) => a + (b - mean) ** 2, 0) / dn.length);
  return `<mean pole="${channel}">${exp(mean)}</mean>\n\t\t\t<sigma pole="${channel}">${exp(sigma)}</sigma>`;
}

function fail(message: string): never {
  throw new Error(`test: ${message}`);
}

const XML_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`;
const SCHEMA = (name: string, depth: string) =>
  `xmlns="${RCM_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${RCM_NAMESPACE} ${depth}support/schemas/rcm_prod_${name}.xsd"`;

const MANIFEST = `${XML_HEAD}
<xfdu:XFDU xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xfdu="urn:ccsds:schema:xfdu:1" xsi:schemaLocation="urn:ccsds:schema:xfdu:1 ./support/schemas/rcm_prod_manifest.xsd">
    <!-- synthetic test product: the package map is left out, as in GDAL's fake product -->
</xfdu:XFDU>
`;

function lutXml(lut: SyntheticTable): string {
  return `${XML_HEAD}
<lut ${SCHEMA("lut", "../../")}>
\t<pixelFirstLutValue>${lut.pixelFirstValue}</pixelFirstLutValue>
\t<stepSize>${lut.stepSize}</stepSize>
\t<numberOfValues>${lut.values.length}</numberOfValues>
\t<offset>${SYNTHETIC_RCM_LUT_OFFSET}</offset>
\t<gains>${Array.from(lut.values, exp).join(" ")}</gains>
</lut>
`;
}

/** The reference levels, then per-beam levels 10 dB off (which must not be read), then azimuth scaling. */
function noiseXml(levels: readonly SyntheticTable[], beam: string): string {
  const level = (element: string, t: SyntheticTable, calibration: Calibration, shift: number, extra = "") =>
    `\t<${element}>${extra}
\t\t<sarCalibrationType>${TYPES[calibration]}</sarCalibrationType>
\t\t<pixelFirstNoiseValue>${t.pixelFirstValue}</pixelFirstNoiseValue>
\t\t<stepSize>${t.stepSize}</stepSize>
\t\t<numberOfValues>${t.values.length}</numberOfValues>
\t\t<noiseLevelValues units="dB">${Array.from(t.values, (v) => exp(v + shift)).join(" ")}</noiseLevelValues>
\t</${element}>`;
  return `${XML_HEAD}
<noiseLevels ${SCHEMA("noiseLevels", "../../")}>
${levels.map((t, i) => level("referenceNoiseLevel", t, CALIBRATIONS[i]!, 0)).join("\n")}
${levels.map((t, i) => level("perBeamReferenceNoiseLevel", t, CALIBRATIONS[i]!, 10, `\n\t\t<beam>${beam}</beam>`)).join("\n")}
\t<azimuthNoiseLevelScaling>
\t\t<beam>${beam}</beam>
\t\t<stepSize>1</stepSize>
\t\t<numberOfNoiseLevelScalingValues>1</numberOfNoiseLevelScalingValues>
\t\t<noiseLevelScalingValues units="dB">0.000000000000000e+00</noiseLevelScalingValues>
\t</azimuthNoiseLevelScaling>
</noiseLevels>
`;
}

/** 30.5° at the near end to 39.5° at the far end, every 10 samples. */
function incidenceXml(samples: number): string {
  const count = Math.ceil((samples - 1) / 10) + 1;
  const angles = Array.from({ length: count }, (_, k) =>
    exp(30.5 + (9 * Math.min(k * 10, samples - 1)) / (samples - 1)),
  );
  return `${XML_HEAD}
<incidenceAngles ${SCHEMA("incidenceAngles", "../../")}>
\t<pixelFirstAnglesValue>0</pixelFirstAnglesValue>
\t<stepSize>10</stepSize>
\t<numberOfValues>${count}</numberOfValues>
\t<angles units="deg">${angles.join(" ")}</angles>
</incidenceAngles>
`;
}

interface ProductValues {
  readonly id: string;
  readonly samples: number;
  readonly lines: number;
  readonly channels: readonly RcmChannel[];
  readonly productType: RcmProductType;
  readonly beamMode: string;
  readonly acquisitionType: string;
  readonly looks: { readonly range: number; readonly azimuth: number };
  readonly time: string;
  readonly geometry: SyntheticGeometry;
  readonly rpc: boolean | undefined;
}

const SAMPLE_TYPES: Readonly<Record<RcmProductType, string>> = {
  SLC: "Complex",
  GRC: "Complex",
  GCC: "Complex",
  GRD: "Magnitude Detected",
  GCD: "Magnitude Detected",
  MLC: "Mixed",
};
const DATA_MODES = ["Single Co", "Dual Co/Cross", "Dual Co/Cross", "Quad"];

/** product.xml in the element order of GDAL's fake RCM product (a subset of what a real one carries). */
function productXmlText(v: ProductValues, stats: readonly string[]): string {
  const { north, south, west, east } = SYNTHETIC_FOOTPRINT;
  const metresPerDegree = 111_320;
  const pixelSpacing =
    ((east - west) * metresPerDegree * Math.cos((((north + south) / 2) * Math.PI) / 180)) / (v.samples - 1);
  const lineSpacing = ((north - south) * metresPerDegree) / (v.lines - 1);
  const start = v.time.replace("Z", ".000000Z");
  const end = new Date(Date.parse(v.time) + 15_000).toISOString().replace(".000Z", ".000000Z");
  const compact = v.channels.includes("CH") || v.channels.includes("CV");
  const poles = v.channels.join(" ");
  const sampleType = SAMPLE_TYPES[v.productType];
  const each = (f: (channel: RcmChannel) => string) => v.channels.map(f).join("\n");
  return `${XML_HEAD}
<?xml-stylesheet type="text/xsl" href="../support/rcm_prod_product.xslt"?>
<product xmlns="${RCM_NAMESPACE}" copyright="synthetic test product" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${RCM_NAMESPACE} ../support/schemas/rcm_prod_product.xsd">
\t<productId>${v.id.split("_").slice(0, 4).join("_")}</productId>
\t<productAnnotation>synthetic test product</productAnnotation>
\t<productApplication>Operational</productApplication>
\t<documentIdentifier>RCM-SP-53-0419</documentIdentifier>
\t<securityAttributes>
\t\t<securityClassification>Non classifié / Unclassified</securityClassification>
\t\t<specialHandlingRequired>false</specialHandlingRequired>
\t</securityAttributes>
\t<sourceAttributes>
\t\t<satellite>RCM-1</satellite>
\t\t<sensor>SAR</sensor>
\t\t<polarizationDataMode>${compact ? "Compact" : DATA_MODES[v.channels.length - 1]}</polarizationDataMode>
\t\t<downlinkSegmentId>0000000001</downlinkSegmentId>
\t\t<inputDatasetFacilityId>GSS</inputDatasetFacilityId>
\t\t<beamMode>${v.acquisitionType}</beamMode>
\t\t<beamModeDefinitionId>1</beamModeDefinitionId>
\t\t<beamModeVersion>1</beamModeVersion>
\t\t<beamModeMnemonic>${v.beamMode}</beamModeMnemonic>
\t\t<rawDataStartTime>${start}</rawDataStartTime>
\t\t<radarParameters>
\t\t\t<acquisitionType>${v.acquisitionType}</acquisitionType>
\t\t\t<beams>${v.beamMode}</beams>
\t\t\t<polarizations>${poles}</polarizations>
\t\t\t<pulses>1</pulses>
\t\t\t<radarCenterFrequency units="Hz">5.405000000000000e+09</radarCenterFrequency>
\t\t</radarParameters>
\t\t<orbitAndAttitude>
\t\t\t<orbitInformation>
\t\t\t\t<passDirection>Ascending</passDirection>
\t\t\t\t<orbitDataSource>Downlinked</orbitDataSource>
\t\t\t\t<withinOrbitTube>true</withinOrbitTube>
\t\t\t\t<orbitDataFileName>synthetic.orb</orbitDataFileName>
\t\t\t</orbitInformation>
\t\t</orbitAndAttitude>
\t</sourceAttributes>
\t<imageGenerationParameters>
\t\t<generalProcessingInformation>
\t\t\t<productType>${v.productType}</productType>
\t\t\t<polarizationsInProduct>${poles}</polarizationsInProduct>
\t\t\t<processingFacility>GSS</processingFacility>
\t\t\t<processingTime>${start}</processingTime>
\t\t\t<softwareVersion>synthetic</softwareVersion>
\t\t\t<processingMode>Expedited</processingMode>
\t\t</generalProcessingInformation>
\t\t<sarProcessingInformation>
\t\t\t<lutApplied>Mixed</lutApplied>
\t\t\t<perPolarizationScaling>true</perPolarizationScaling>
\t\t\t<noiseSubtractionPerformed>false</noiseSubtractionPerformed>
\t\t\t<zeroDopplerTimeFirstLine>${start}</zeroDopplerTimeFirstLine>
\t\t\t<zeroDopplerTimeLastLine>${end}</zeroDopplerTimeLastLine>
${each((c) => `\t\t\t<numberOfLinesProcessed pole="${c}">${v.lines}</numberOfLinesProcessed>`)}
\t\t\t<numberOfRangeLooks>${v.looks.range}</numberOfRangeLooks>
\t\t\t<perBeamNumberOfRangeLooksUsed>false</perBeamNumberOfRangeLooksUsed>
\t\t\t<numberOfAzimuthLooks>${v.looks.azimuth}</numberOfAzimuthLooks>
\t\t\t<satelliteHeight units="m">600000</satelliteHeight>
\t\t</sarProcessingInformation>
\t</imageGenerationParameters>
\t<imageReferenceAttributes>
\t\t<productFormat>GeoTIFF</productFormat>
\t\t<outputMediaInterleaving>BSQ</outputMediaInterleaving>
${each((c) =>
  CALIBRATIONS.map(
    (calibration) =>
      `\t\t<lookupTableFileName sarCalibrationType="${TYPES[calibration]}" pole="${c}">lut${LUT_NAMES[calibration]}_${c}.xml</lookupTableFileName>`,
  ).join("\n"),
)}
\t\t<incidenceAngleFileName>incidenceAngles.xml</incidenceAngleFileName>
${each((c) => `\t\t<noiseLevelFileName pole="${c}">noiseLevels_${c}.xml</noiseLevelFileName>`)}
\t\t<rasterAttributes>
\t\t\t<sampleType>${sampleType}</sampleType>
\t\t\t<dataType>Integer</dataType>
\t\t\t<bitsPerSample dataStream="${sampleType === "Complex" ? "Complex" : "Magnitude"}">16</bitsPerSample>
\t\t\t<sampledPixelSpacing units="m">${exp(pixelSpacing)}</sampledPixelSpacing>
\t\t\t<sampledLineSpacing units="m">${exp(lineSpacing)}</sampledLineSpacing>
\t\t\t<sampledPixelSpacingTime units="s">5.000000000000000e-08</sampledPixelSpacingTime>
\t\t\t<sampledLineSpacingTime units="s">${exp(15 / (v.lines - 1))}</sampledLineSpacingTime>
\t\t\t<lineTimeOrdering>Increasing</lineTimeOrdering>
\t\t\t<pixelTimeOrdering>Increasing</pixelTimeOrdering>
\t\t</rasterAttributes>
\t\t<geographicInformation>
\t\t\t<ellipsoidParameters>
\t\t\t\t<ellipsoidName>WGS 1984</ellipsoidName>
\t\t\t\t<semiMajorAxis units="m">6.378137000000000e+06</semiMajorAxis>
\t\t\t\t<semiMinorAxis units="m">6.356752314245179e+06</semiMinorAxis>
\t\t\t\t<geodeticTerrainHeight units="m">0.000000000000000e+00</geodeticTerrainHeight>
\t\t\t</ellipsoidParameters>
\t\t\t<geolocationGrid>
${tiePoints(v)}
\t\t\t</geolocationGrid>
${rationalFunctions(v)}
\t\t</geographicInformation>
\t</imageReferenceAttributes>
\t<sceneAttributes>
\t\t<numberOfEntries>1</numberOfEntries>
\t\t<imageAttributes sampleType="${sampleType}">
${each((c) => `\t\t\t<ipdf pole="${c}">../imagery/${c}.tif</ipdf>`)}
\t\t\t<pixelOffset>0</pixelOffset>
\t\t\t<lineOffset>0</lineOffset>
\t\t\t<numLines>${v.lines}</numLines>
\t\t\t<samplesPerLine>${v.samples}</samplesPerLine>
\t\t\t<incAngNearRng units="deg">3.050000000000000e+01</incAngNearRng>
\t\t\t<incAngFarRng units="deg">3.950000000000000e+01</incAngFarRng>
\t\t\t<slantRangeNearEdge units="m">6.912345600000000e+05</slantRangeNearEdge>
\t\t\t<slantRangeFarEdge units="m">7.412345600000000e+05</slantRangeFarEdge>
\t\t\t${stats.join("\n\t\t\t")}
\t\t</imageAttributes>
\t</sceneAttributes>
</product>
`;
}

/** A 5 x 5 grid of tie points over the image, at height 0, consistent with the RPC model. */
function tiePoints(v: ProductValues): string {
  const steps = [0, 0.25, 0.5, 0.75, 1];
  return steps
    .flatMap((fl) =>
      steps.map((fp) => {
        const [line, pixel] = [fl * (v.lines - 1), fp * (v.samples - 1)];
        const { lat, lon } = v.geometry.toGround(line, pixel, 0);
        return `\t\t\t\t<imageTiePoint>
\t\t\t\t\t<imageCoordinate>
\t\t\t\t\t\t<line>${exp(line)}</line>
\t\t\t\t\t\t<pixel>${exp(pixel)}</pixel>
\t\t\t\t\t</imageCoordinate>
\t\t\t\t\t<geodeticCoordinate>
\t\t\t\t\t\t<latitude units="deg">${lat}</latitude>
\t\t\t\t\t\t<longitude units="deg">${lon}</longitude>
\t\t\t\t\t\t<height units="m">0.000000000000000e+00</height>
\t\t\t\t\t</geodeticCoordinate>
\t\t\t\t</imageTiePoint>`;
      }),
    )
    .join("\n");
}

/** The geometry's RPC model, or (rpc: false) the all-zero block of GDAL's fake product. */
function rationalFunctions(v: ProductValues): string {
  const rpc = v.rpc === false ? undefined : v.geometry.rpc;
  const zeros = (n: number) => Array.from({ length: n }, () => "0").join(" ");
  const value = (key: keyof SyntheticGeometry["rpc"]) => rpc?.[key] ?? zeros(key.endsWith("_COEFF") ? 20 : 1);
  const element = (name: string, text: string, units = "") =>
    `\t\t\t\t<${name}${units === "" ? "" : ` units="${units}"`}>${text}</${name}>`;
  return [
    `\t\t\t<rationalFunctions>`,
    element("biasError", rpc === undefined ? "0" : "1.000000000000000e+00", "m"),
    element("randomError", rpc === undefined ? "0" : "1.000000000000000e-01", "m"),
    element("lineFitQuality", rpc === undefined ? "0" : "1.000000000000000e-03"),
    element("pixelFitQuality", rpc === undefined ? "0" : "1.000000000000000e-03"),
    element("lineOffset", value("LINE_OFF")),
    element("pixelOffset", value("SAMP_OFF")),
    element("latitudeOffset", value("LAT_OFF"), "deg"),
    element("longitudeOffset", value("LONG_OFF"), "deg"),
    element("heightOffset", value("HEIGHT_OFF"), "m"),
    element("lineScale", value("LINE_SCALE")),
    element("pixelScale", value("SAMP_SCALE")),
    element("latitudeScale", value("LAT_SCALE"), "deg"),
    element("longitudeScale", value("LONG_SCALE"), "deg"),
    element("heightScale", value("HEIGHT_SCALE"), "m"),
    element("lineNumeratorCoefficients", value("LINE_NUM_COEFF")),
    element("lineDenominatorCoefficients", value("LINE_DEN_COEFF")),
    element("pixelNumeratorCoefficients", value("SAMP_NUM_COEFF")),
    element("pixelDenominatorCoefficients", value("SAMP_DEN_COEFF")),
    `\t\t\t</rationalFunctions>`,
  ].join("\n");
}

/** Numbers as RCM products write them: 1.234500000000000e+03. */
function exp(value: number): string {
  return value.toExponential(15).replace(/e([+-])(\d)$/, "e$10$2");
}
