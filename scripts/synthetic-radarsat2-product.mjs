// The text of a made-up RADARSAT-2 product (product.xml in the real namespace and element order, the LUTs)
// and the RPC model it carries, with the seeded random numbers its speckle is drawn from. Shared by the
// tests' writer (test/helpers/synthetic-radarsat2.ts, which also writes the pixels) and ./dev bench sar, so
// both make the product GDAL's RS2 driver and the pipeline read. Types: synthetic-radarsat2-product.d.mts.

export const RS2_NAMESPACE = "http://www.rsi.ca/rs2/prod/xml/schemas";

/** Where the centres of the first and last line and sample fall at height 0 (WGS 84 degrees). */
export const SYNTHETIC_FOOTPRINT = Object.freeze({ north: 50.6, south: 50.2, west: 8.3, east: 9.0 });
/** Terrain this many metres high is imaged one sample nearer (lower sample numbers) than at height 0. */
export const METRES_PER_SAMPLE_SHIFT = 100;
/** The LUT gains: gain(sample) = a + b * sample, distinct per calibration; one offset for all three. */
export const SYNTHETIC_GAINS = Object.freeze({
  sigma0: Object.freeze({ a: 2.0e6, b: 2500 }),
  beta0: Object.freeze({ a: 1.5e6, b: 1200 }),
  gamma0: Object.freeze({ a: 2.5e6, b: 3100 }),
});
export const SYNTHETIC_LUT_OFFSET = 100;
export const LUT_FILES = Object.freeze({
  sigma0: "lutSigma.xml",
  beta0: "lutBeta.xml",
  gamma0: "lutGamma.xml",
});

/**
 * Line linear in latitude, sample linear in longitude less height / metresPerSampleShift, over `footprint`:
 * where a ground point is imaged, the inverse at a known height, and the same model as GDAL RPC strings.
 */
export function syntheticGeometry(
  samples,
  lines,
  footprint = SYNTHETIC_FOOTPRINT,
  metresPerSampleShift = METRES_PER_SAMPLE_SHIFT,
) {
  const { north, south, west, east } = footprint;
  const latPerLine = (north - south) / (lines - 1);
  const lonPerSample = (east - west) / (samples - 1);
  const [latOff, latScale] = [(north + south) / 2, (north - south) / 2];
  const [lonOff, lonScale] = [(east + west) / 2, (east - west) / 2];
  const heightScale = 1000;
  const [lineOff, sampOff] = [(lines - 1) / 2, (samples - 1) / 2];
  const coefficients = (terms) => Array.from({ length: 20 }, (_, i) => String(terms[i] ?? 0)).join(" ");
  // Offsets and scales as a product writes them, without binary noise (50.4, not 50.400000000000006).
  const text = (value) => String(Number(value.toPrecision(12)));
  // RPC00B term order: 1, L (longitude), P (latitude), H, ...; line = -P, sample = L + c H (normalised).
  const rpc = {
    LINE_OFF: text(lineOff),
    SAMP_OFF: text(sampOff),
    LAT_OFF: text(latOff),
    LONG_OFF: text(lonOff),
    HEIGHT_OFF: "0",
    LINE_SCALE: text(lineOff),
    SAMP_SCALE: text(sampOff),
    LAT_SCALE: text(latScale),
    LONG_SCALE: text(lonScale),
    HEIGHT_SCALE: text(heightScale),
    LINE_NUM_COEFF: coefficients({ 2: -1 }),
    LINE_DEN_COEFF: coefficients({ 0: 1 }),
    SAMP_NUM_COEFF: coefficients({ 1: 1, 3: -heightScale / (metresPerSampleShift * sampOff) }),
    SAMP_DEN_COEFF: coefficients({ 0: 1 }),
  };
  return {
    toImage: (lat, lon, height) => ({
      line: (north - lat) / latPerLine,
      pixel: (lon - west) / lonPerSample - height / metresPerSampleShift,
    }),
    toGround: (line, pixel, height) => ({
      lat: north - line * latPerLine,
      lon: west + (pixel + height / metresPerSampleShift) * lonPerSample,
    }),
    rpc,
  };
}

/** A LUT file's text: its offset and one gain per sample. */
export function lutXml(offset, gains) {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<lut xmlns="${RS2_NAMESPACE}" copyright="synthetic test product" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${RS2_NAMESPACE} schemas/rs2prod_lut.xsd">`,
    `  <productId>PDS_00000001</productId>`,
    `  <offset>${exp(offset)}</offset>`,
    `  <gains>${Array.from(gains, exp).join(" ")}</gains>`,
    `</lut>`,
    ``,
  ].join("\n");
}

/** product.xml in the Product Format Definition's element order (a subset of the elements a real one carries). */
export function productXmlText(v) {
  const { north, south, west, east } = v.footprint ?? SYNTHETIC_FOOTPRINT;
  const metresPerDegree = 111_320;
  const pixelSpacing =
    ((east - west) * metresPerDegree * Math.cos((((north + south) / 2) * Math.PI) / 180)) / (v.samples - 1);
  const lineSpacing = ((north - south) * metresPerDegree) / (v.lines - 1);
  const start = v.time.replace("Z", ".000000Z");
  const end = new Date(Date.parse(v.time) + 15_000).toISOString().replace(".000Z", ".000000Z");
  const detected = v.productType !== "SLC";
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<product xmlns="${RS2_NAMESPACE}" copyright="synthetic test product" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${RS2_NAMESPACE} schemas/rs2prod_product.xsd">
  <productId>PDS_00000001</productId>
  <documentIdentifier>RN-SP-52-1238</documentIdentifier>
  <sourceAttributes>
    <satellite>RADARSAT-2</satellite>
    <sensor>SAR</sensor>
    <inputDatasetFacilityId>MSSAR</inputDatasetFacilityId>
    <beamModeMnemonic>${v.beamMode}</beamModeMnemonic>
    <rawDataStartTime>${start}</rawDataStartTime>
    <radarParameters>
      <beams>${v.beamMode}</beams>
      <polarizations>${v.polarisations.join(" ")}</polarizations>
      <pulses>1</pulses>
      <radarCenterFrequency units="Hz">5.405000454334350e+09</radarCenterFrequency>
      <pulseRepetitionFrequency units="Hz">1.303815000000000e+03</pulseRepetitionFrequency>
      <antennaPointing>Right</antennaPointing>
    </radarParameters>
    <orbitAndAttitude>
      <orbitInformation>
        <passDirection>Ascending</passDirection>
        <orbitDataSource>Downlinked</orbitDataSource>
        <orbitDataFile>synthetic.orb</orbitDataFile>
      </orbitInformation>
    </orbitAndAttitude>
  </sourceAttributes>
  <imageGenerationParameters>
    <generalProcessingInformation>
      <productType>${v.productType}</productType>
      <processingFacility>PGS</processingFacility>
      <processingTime>${start}</processingTime>
      <softwareVersion>RSAT2 PS synthetic</softwareVersion>
    </generalProcessingInformation>
    <sarProcessingInformation>
      <lutApplied>Ice</lutApplied>
      <zeroDopplerTimeFirstLine>${start}</zeroDopplerTimeFirstLine>
      <zeroDopplerTimeLastLine>${end}</zeroDopplerTimeLastLine>
      <numberOfLinesProcessed>${v.lines}</numberOfLinesProcessed>
      <numberOfRangeLooks>${v.looks.range}</numberOfRangeLooks>
      <numberOfAzimuthLooks>${v.looks.azimuth}</numberOfAzimuthLooks>
      <incidenceAngleNearRange units="deg">3.050000000000000e+01</incidenceAngleNearRange>
      <incidenceAngleFarRange units="deg">3.950000000000000e+01</incidenceAngleFarRange>
      <slantRangeNearEdge units="m">9.251234560000000e+05</slantRangeNearEdge>
    </sarProcessingInformation>
  </imageGenerationParameters>
  <imageAttributes>
    <productFormat>GeoTIFF</productFormat>
    <outputMediaInterleaving>BSQ</outputMediaInterleaving>
    <rasterAttributes>
      <dataType>${detected ? "Magnitude Detected" : "Complex"}</dataType>
      <bitsPerSample dataStream="${detected ? "Magnitude" : "Real"}">16</bitsPerSample>
      <numberOfSamplesPerLine>${v.samples}</numberOfSamplesPerLine>
      <numberOfLines>${v.lines}</numberOfLines>
      <sampledPixelSpacing units="m">${exp(pixelSpacing)}</sampledPixelSpacing>
      <sampledLineSpacing units="m">${exp(lineSpacing)}</sampledLineSpacing>
      <lineTimeOrdering>Increasing</lineTimeOrdering>
      <pixelTimeOrdering>Increasing</pixelTimeOrdering>
    </rasterAttributes>
    <geographicInformation>
      <geolocationGrid>
${tiePoints(v).join("\n")}
      </geolocationGrid>
${v.rpc === false ? "" : rationalFunctions(v.geometry.rpc)}      <referenceEllipsoidParameters>
        <ellipsoidName>WGS 1984</ellipsoidName>
        <semiMajorAxis units="m">6.378137000000000e+06</semiMajorAxis>
        <semiMinorAxis units="m">6.356752314245179e+06</semiMinorAxis>
        <geodeticTerrainHeight units="m">0.000000000000000e+00</geodeticTerrainHeight>
      </referenceEllipsoidParameters>
    </geographicInformation>
    <lookupTable incidenceAngleCorrection="Beta Nought">${LUT_FILES.beta0}</lookupTable>
    <lookupTable incidenceAngleCorrection="Sigma Nought">${LUT_FILES.sigma0}</lookupTable>
    <lookupTable incidenceAngleCorrection="Gamma">${LUT_FILES.gamma0}</lookupTable>
${v.polarisations.map((pol) => `    <fullResolutionImageData pole="${pol}">imagery_${pol}.tif</fullResolutionImageData>`).join("\n")}
  </imageAttributes>
</product>
`;
}

/** Seeded uniform numbers in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gamma speckle of mean 1 and the given shape (the number of looks): Marsaglia and Tsang's method. */
export function gamma(shape, random) {
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(random() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x;
    let v;
    do {
      // Box-Muller: a standard normal from two uniforms.
      x = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (Math.log(u || Number.MIN_VALUE) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / shape;
  }
}

/** A 5 x 5 grid of tie points over the image, at height 0, consistent with the RPC model. */
function tiePoints(v) {
  const steps = [0, 0.25, 0.5, 0.75, 1];
  return steps.flatMap((fl) =>
    steps.map((fp) => {
      const [line, pixel] = [fl * (v.lines - 1), fp * (v.samples - 1)];
      const { lat, lon } = v.geometry.toGround(line, pixel, 0);
      return [
        `        <imageTiePoint>`,
        `          <imageCoordinate>`,
        `            <line>${exp(line)}</line>`,
        `            <pixel>${exp(pixel)}</pixel>`,
        `          </imageCoordinate>`,
        `          <geodeticCoordinate>`,
        `            <latitude units="deg">${lat}</latitude>`,
        `            <longitude units="deg">${lon}</longitude>`,
        `            <height units="m">0.000000000000000e+00</height>`,
        `          </geodeticCoordinate>`,
        `        </imageTiePoint>`,
      ].join("\n");
    }),
  );
}

function rationalFunctions(rpc) {
  const element = (name, value, units = "") =>
    `        <${name}${units === "" ? "" : ` units="${units}"`}>${value}</${name}>`;
  return [
    `      <rationalFunctions>`,
    element("biasError", "1.000000000000000e+00", "m"),
    element("randomError", "1.000000000000000e-01", "m"),
    element("lineFitQuality", "1.000000000000000e-03"),
    element("pixelFitQuality", "1.000000000000000e-03"),
    element("lineOffset", rpc.LINE_OFF),
    element("pixelOffset", rpc.SAMP_OFF),
    element("latitudeOffset", rpc.LAT_OFF, "deg"),
    element("longitudeOffset", rpc.LONG_OFF, "deg"),
    element("heightOffset", rpc.HEIGHT_OFF, "m"),
    element("lineScale", rpc.LINE_SCALE),
    element("pixelScale", rpc.SAMP_SCALE),
    element("latitudeScale", rpc.LAT_SCALE, "deg"),
    element("longitudeScale", rpc.LONG_SCALE, "deg"),
    element("heightScale", rpc.HEIGHT_SCALE, "m"),
    element("lineNumeratorCoefficients", rpc.LINE_NUM_COEFF),
    element("lineDenominatorCoefficients", rpc.LINE_DEN_COEFF),
    element("pixelNumeratorCoefficients", rpc.SAMP_NUM_COEFF),
    element("pixelDenominatorCoefficients", rpc.SAMP_DEN_COEFF),
    `      </rationalFunctions>`,
    ``,
  ].join("\n");
}

/** Numbers as the product writes them: 1.234500000000000e+03. */
function exp(value) {
  return value.toExponential(15).replace(/e([+-])(\d)$/, "e$10$2");
}
