// The metadata of a made-up RCM product, laid out as the CSA delivers one: manifest.safe, metadata/product.xml
// (namespace rcmGsProductSchema, the element order of GDAL's fake RCM product with real values), and in
// metadata/calibration/ per channel lut{Sigma,Beta,Gamma}_<POL>.xml and noiseLevels_<POL>.xml, and
// incidenceAngles.xml. The tables are listed as RCM lists them, not one entry per sample: sigma0 LUTs and noise
// levels run backwards from the far end (negative stepSize), the others every 4 to 6 samples, gamma0's from
// sample 2 and ending short of the line. Shared by the tests' writer (test/helpers/synthetic-rcm.ts, which also
// writes the pixels) and ./dev bench sar, so both make the product the service reads; the pixels are the
// caller's. Types: synthetic-rcm-product.d.mts.
import { SYNTHETIC_FOOTPRINT } from "./synthetic-radarsat2-product.mjs";

export const RCM_NAMESPACE = "rcmGsProductSchema";
/** One offset for every LUT: sigma0 = (DN² + offset) / gain. */
export const SYNTHETIC_RCM_LUT_OFFSET = 50;
export const CALIBRATIONS = ["beta0", "sigma0", "gamma0"];
const TYPES = { sigma0: "Sigma Nought", beta0: "Beta Nought", gamma0: "Gamma" };
const LUT_NAMES = { sigma0: "Sigma", beta0: "Beta", gamma0: "Gamma" };

/** Where each calibration's gains sit: backwards every 3 samples from the last, every 4 from 0, every 5 from 2. */
const LUT_LAYOUT = {
  sigma0: (n) => ({ first: n - 1, step: -3, count: Math.ceil(n / 3) }),
  beta0: (n) => ({ first: 0, step: 4, count: Math.ceil((n - 1) / 4) + 1 }),
  gamma0: (n) => ({ first: 2, step: 5, count: Math.floor((n - 3) / 5) }),
};
/** Noise levels: sigma0's backwards every 7 samples from the last but one, short of sample 0; others every 6. */
const NOISE_LAYOUT = {
  sigma0: (n) => ({ first: n - 2, step: -7, count: Math.floor((n - 2) / 7) }),
  beta0: (n) => ({ first: 0, step: 6, count: Math.ceil((n - 1) / 6) + 1 }),
  gamma0: (n) => ({ first: 0, step: 6, count: Math.ceil((n - 1) / 6) + 1 }),
};
/** Gain at range sample x: a + b x + c x², distinct per calibration; each further channel 10 % higher. */
const GAIN_POLYNOMIALS = {
  sigma0: { a: 2.0e6, b: 2500, c: 3 },
  beta0: { a: 1.5e6, b: 1200, c: 2 },
  gamma0: { a: 2.5e6, b: 3100, c: 4 },
};
/** The incidence angles across the swath when the caller gives none (degrees). */
const INCIDENCE = { near: 30.5, far: 39.5 };

/** A channel's LUT file of a calibration, relative to the product folder. */
export function lutFile(channel, calibration) {
  return `metadata/calibration/lut${LUT_NAMES[calibration]}_${channel}.xml`;
}

/** A channel's noise levels file, relative to the product folder. */
export function noiseFile(channel) {
  return `metadata/calibration/noiseLevels_${channel}.xml`;
}

/** A channel's LUT of a calibration as listed: values[k] is the gain at sample pixelFirstValue + k * stepSize. */
export function lutTable(samples, channelIndex, calibration) {
  const { a, b, c } = GAIN_POLYNOMIALS[calibration];
  return table(LUT_LAYOUT[calibration](samples), (x) => (a + b * x + c * x * x) * (1 + 0.1 * channelIndex));
}

/**
 * A channel's reference noise levels of a calibration as listed, in dB: a bowl across the line, 3 dB higher at
 * the ends, distinct per calibration and channel.
 */
export function noiseTable(samples, channelIndex, calibration) {
  const base = { sigma0: -24, beta0: -23, gamma0: -25 }[calibration];
  return table(NOISE_LAYOUT[calibration](samples), (x) => {
    const u = (x - samples / 2) / (samples / 2);
    return base + 3 * u * u + 0.5 * channelIndex;
  });
}

/**
 * A table at every sample 0..samples-1 as the service expands it (src/imagery/rcm/rcm-range-table.ts):
 * linear between entries, the end value beyond them. The bench draws DNs from the sigma0 gains expanded so.
 */
export function expandTable({ pixelFirstValue: first, stepSize: step, values }, samples) {
  const last = values.length - 1;
  return Float64Array.from({ length: samples }, (_, sample) => {
    const at = (sample - first) / step;
    if (!(at > 0)) return values[0];
    if (at >= last) return values[last];
    const k = Math.floor(at);
    return values[k] + (at - k) * (values[k + 1] - values[k]);
  });
}

/**
 * Every metadata file of the product, as [path relative to the product folder, text]. v: id, samples, lines,
 * channels, productType (default GRD), beamMode, acquisitionType (in words), looks { range, azimuth }, time
 * (ISO 8601 UTC to the second), geometry (syntheticGeometry of synthetic-radarsat2-product.mjs: tie points and
 * the RPC model), and optionally rpc (false: GDAL's fake product's block of zeros), spacing (metres; by default
 * that of SYNTHETIC_FOOTPRINT), incidence { near, far } (degrees; default 30.5 to 39.5) and stats (per channel
 * { channel, mean, sigma } of the DNs).
 */
export function rcmMetadataFiles(v) {
  const files = [["manifest.safe", MANIFEST]];
  for (const [index, channel] of v.channels.entries()) {
    for (const calibration of CALIBRATIONS) {
      files.push([lutFile(channel, calibration), lutXml(lutTable(v.samples, index, calibration))]);
    }
    const levels = CALIBRATIONS.map((calibration) => noiseTable(v.samples, index, calibration));
    files.push([noiseFile(channel), noiseXml(levels, v.beamMode)]);
  }
  files.push(["metadata/calibration/incidenceAngles.xml", incidenceXml(v.samples, v.incidence ?? INCIDENCE)]);
  files.push(["metadata/product.xml", productXmlText(v)]);
  return files;
}

/** A table's entries, with values as their text reads back (what a reader of the file gets). */
function table(layout, at) {
  const values = Float64Array.from({ length: layout.count }, (_, k) =>
    Number(exp(at(layout.first + k * layout.step))),
  );
  return { pixelFirstValue: layout.first, stepSize: layout.step, values };
}

const XML_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`;
const schema = (name) =>
  `xmlns="${RCM_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${RCM_NAMESPACE} ../../support/schemas/rcm_prod_${name}.xsd"`;

const MANIFEST = `${XML_HEAD}
<xfdu:XFDU xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xfdu="urn:ccsds:schema:xfdu:1" xsi:schemaLocation="urn:ccsds:schema:xfdu:1 ./support/schemas/rcm_prod_manifest.xsd">
    <!-- synthetic test product: the package map is left out, as in GDAL's fake product -->
</xfdu:XFDU>
`;

function lutXml(lut) {
  return `${XML_HEAD}
<lut ${schema("lut")}>
\t<pixelFirstLutValue>${lut.pixelFirstValue}</pixelFirstLutValue>
\t<stepSize>${lut.stepSize}</stepSize>
\t<numberOfValues>${lut.values.length}</numberOfValues>
\t<offset>${SYNTHETIC_RCM_LUT_OFFSET}</offset>
\t<gains>${Array.from(lut.values, exp).join(" ")}</gains>
</lut>
`;
}

/** The reference levels, then per-beam levels 10 dB off (which must not be read), then azimuth scaling. */
function noiseXml(levels, beam) {
  const level = (element, t, calibration, shift, extra = "") => `\t<${element}>${extra}
\t\t<sarCalibrationType>${TYPES[calibration]}</sarCalibrationType>
\t\t<pixelFirstNoiseValue>${t.pixelFirstValue}</pixelFirstNoiseValue>
\t\t<stepSize>${t.stepSize}</stepSize>
\t\t<numberOfValues>${t.values.length}</numberOfValues>
\t\t<noiseLevelValues units="dB">${Array.from(t.values, (value) => exp(value + shift)).join(" ")}</noiseLevelValues>
\t</${element}>`;
  const perBeam = `\n\t\t<beam>${beam}</beam>`;
  return `${XML_HEAD}
<noiseLevels ${schema("noiseLevels")}>
${levels.map((t, i) => level("referenceNoiseLevel", t, CALIBRATIONS[i], 0)).join("\n")}
${levels.map((t, i) => level("perBeamReferenceNoiseLevel", t, CALIBRATIONS[i], 10, perBeam)).join("\n")}
\t<azimuthNoiseLevelScaling>
\t\t<beam>${beam}</beam>
\t\t<stepSize>1</stepSize>
\t\t<numberOfNoiseLevelScalingValues>1</numberOfNoiseLevelScalingValues>
\t\t<noiseLevelScalingValues units="dB">0.000000000000000e+00</noiseLevelScalingValues>
\t</azimuthNoiseLevelScaling>
</noiseLevels>
`;
}

/** From the near to the far incidence angle, every 10 samples. */
function incidenceXml(samples, { near, far }) {
  const count = Math.ceil((samples - 1) / 10) + 1;
  const angles = Array.from({ length: count }, (_, k) =>
    exp(near + ((far - near) * Math.min(k * 10, samples - 1)) / (samples - 1)),
  );
  return `${XML_HEAD}
<incidenceAngles ${schema("incidenceAngles")}>
\t<pixelFirstAnglesValue>0</pixelFirstAnglesValue>
\t<stepSize>10</stepSize>
\t<numberOfValues>${count}</numberOfValues>
\t<angles units="deg">${angles.join(" ")}</angles>
</incidenceAngles>
`;
}

const SAMPLE_TYPES = {
  SLC: "Complex",
  GRC: "Complex",
  GCC: "Complex",
  GRD: "Magnitude Detected",
  GCD: "Magnitude Detected",
  MLC: "Mixed",
};
const DATA_MODES = ["Single Co", "Dual Co/Cross", "Dual Co/Cross", "Quad"];

/** product.xml in the element order of GDAL's fake RCM product (a subset of what a real one carries). */
function productXmlText(v) {
  const { north, south, west, east } = SYNTHETIC_FOOTPRINT;
  const metresPerDegree = 111_320;
  const pixelSpacing =
    v.spacing ??
    ((east - west) * metresPerDegree * Math.cos((((north + south) / 2) * Math.PI) / 180)) / (v.samples - 1);
  const lineSpacing = v.spacing ?? ((north - south) * metresPerDegree) / (v.lines - 1);
  const incidence = v.incidence ?? INCIDENCE;
  const productType = v.productType ?? "GRD";
  const start = v.time.replace("Z", ".000000Z");
  const end = new Date(Date.parse(v.time) + 15_000).toISOString().replace(".000Z", ".000000Z");
  const compact = v.channels.includes("CH") || v.channels.includes("CV");
  const poles = v.channels.join(" ");
  const sampleType = SAMPLE_TYPES[productType];
  const each = (f) => v.channels.map(f).join("\n");
  const stats = (v.stats ?? []).map(
    (s) =>
      `\t\t\t<mean pole="${s.channel}">${exp(s.mean)}</mean>\n\t\t\t<sigma pole="${s.channel}">${exp(s.sigma)}</sigma>\n`,
  );
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
\t\t\t<productType>${productType}</productType>
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
\t\t\t<incAngNearRng units="deg">${exp(incidence.near)}</incAngNearRng>
\t\t\t<incAngFarRng units="deg">${exp(incidence.far)}</incAngFarRng>
\t\t\t<slantRangeNearEdge units="m">6.912345600000000e+05</slantRangeNearEdge>
\t\t\t<slantRangeFarEdge units="m">7.412345600000000e+05</slantRangeFarEdge>
${stats.join("")}\t\t</imageAttributes>
\t</sceneAttributes>
</product>
`;
}

/** A 5 x 5 grid of tie points over the image, at height 0, consistent with the RPC model. */
function tiePoints(v) {
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

/**
 * The geometry's RPC model (GDAL's RPC strings) in rationalFunctions' elements, as GDAL's RCM driver maps them,
 * or (rpc: false) the all-zero block of GDAL's fake product.
 */
function rationalFunctions(v) {
  const rpc = v.rpc === false ? undefined : v.geometry.rpc;
  const zeros = (n) => Array.from({ length: n }, () => "0").join(" ");
  const value = (key) => rpc?.[key] ?? zeros(key.endsWith("_COEFF") ? 20 : 1);
  const element = (name, text, units = "") =>
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
function exp(value) {
  return value.toExponential(15).replace(/e([+-])(\d)$/, "e$10$2");
}
