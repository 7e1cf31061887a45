import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRcmCalibration } from "../../../../src/imagery/rcm/rcm-lut.js";
import { RcmMetadataError } from "../../../../src/imagery/rcm/rcm-metadata-error.js";
import { readRcmChannelNoise } from "../../../../src/imagery/rcm/rcm-noise.js";
import { readRcmProduct } from "../../../../src/imagery/rcm/rcm-product.js";
import { REPO } from "../../../helpers/paths.js";
import { writeSyntheticRcm, zipRcmProduct, type SyntheticRcm } from "../../../helpers/synthetic-rcm.js";

// metadata/product.xml of a synthetic RCM product (the real layout, namespace and element order), of GDAL's own
// fake product (refused as it is, read once its placeholders are filled in), of a zipped product read in place,
// and of broken copies, each failing alone with the file and element named.

/** GDAL's fake RCM product (real layout and XML, placeholder values, zero pixels): see its README. */
const GDAL_RCM = path.resolve(
  REPO,
  "..",
  "shared",
  "fixtures",
  "sar",
  "gdal-autotest",
  "rcm",
  "fake_VV_VH_GRD",
);
const ID = "RCM1_OK1234567_PK1234568_1_16M5_20210815_101010_VV_VH_GRD";

let temp: string;
let synthetic: SyntheticRcm;
beforeAll(async () => {
  temp = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-rcm-"));
  synthetic = await writeSyntheticRcm(path.join(temp, "synthetic"));
});
afterAll(async () => {
  await fs.rm(temp, { recursive: true, force: true });
});

describe("a synthetic GRD product (400 x 300, VV VH)", () => {
  it("reads identity, acquisition, raster layout, geolocation and files from metadata/product.xml", async () => {
    expect(synthetic.id).toBe(ID);
    const product = await readRcmProduct(synthetic.dir);
    expect(product).toEqual({
      satellite: "RCM-1",
      beamMode: "16M5",
      acquisitionType: "Medium Resolution 16m",
      productType: "GRD",
      acquisitionStart: "2021-08-15T10:10:10.000000Z",
      channels: ["VV", "VH"],
      looks: { range: 1, azimuth: 1 },
      pixelSpacing: expect.closeTo(124.49, 2),
      lineSpacing: expect.closeTo(148.92, 2),
      samplesPerLine: 400,
      lines: 300,
      sampleType: "Magnitude Detected",
      dataType: "Integer",
      bitsPerSample: 16,
      lineTimeOrdering: "Increasing",
      pixelTimeOrdering: "Increasing",
      incidenceNear: 30.5,
      incidenceFar: 39.5,
      centreFrequencyHz: 5.405e9,
      tiePoints: expect.any(Array),
      rpc: synthetic.geometry.rpc,
      imageFiles: { VV: "imagery/VV.tif", VH: "imagery/VH.tif" },
      lutFiles: Object.fromEntries(
        ["VV", "VH"].map((c) => [
          c,
          {
            sigma0: `metadata/calibration/lutSigma_${c}.xml`,
            beta0: `metadata/calibration/lutBeta_${c}.xml`,
            gamma0: `metadata/calibration/lutGamma_${c}.xml`,
          },
        ]),
      ),
      noiseFiles: {
        VV: "metadata/calibration/noiseLevels_VV.xml",
        VH: "metadata/calibration/noiseLevels_VH.xml",
      },
      incidenceAngleFile: "metadata/calibration/incidenceAngles.xml",
    });
    expect(product.tiePoints).toHaveLength(25);
    expect(product.tiePoints[0]).toEqual({ line: 0, pixel: 0, lat: 50.6, lon: 8.3, height: 0 });
    for (const point of product.tiePoints) {
      const ground = synthetic.geometry.toGround(point.line, point.pixel, 0);
      expect(point.lat).toBeCloseTo(ground.lat, 12);
      expect(point.lon).toBeCloseTo(ground.lon, 12);
    }
  });

  it("names image files GDAL opens: UInt16, striped, the DNs written", async () => {
    const product = await readRcmProduct(synthetic.dir);
    for (const channel of product.channels) {
      const dataset = await gdal.openAsync(path.join(synthetic.dir, product.imageFiles[channel]!));
      try {
        const band = dataset.bands.get(1);
        expect(band.dataType).toBe(gdal.GDT_UInt16);
        expect(band.blockSize).toEqual({ x: 400, y: expect.any(Number) });
        expect(await band.pixels.readAsync(0, 0, 400, 300)).toEqual(synthetic.dn(channel));
      } finally {
        dataset.close();
      }
    }
  });

  it("calibrates back to the sigma0 it was made from (mean over the image), through our LUT reader", async () => {
    const product = await readRcmProduct(synthetic.dir);
    for (const channel of product.channels) {
      const { offset, gains } = await readRcmCalibration(synthetic.dir, product, channel, "sigma0");
      const dn = synthetic.dn(channel);
      let sum = 0;
      dn.forEach((value, i) => {
        const calibrated = (value * value + offset) / gains[i % 400]!;
        sum += calibrated / synthetic.sigma0(Math.floor(i / 400), i % 400, channel);
      });
      expect(sum / dn.length).toBeCloseTo(1, 1);
    }
  });

  it("compact polarimetry (CH CV, MLC's Mixed samples), tiles, looks and a block of zero RPCs", async () => {
    const mlc = await writeSyntheticRcm(path.join(temp, "mlc"), {
      channels: ["CH", "CV"],
      productType: "MLC",
      beamMode: "SC30MCPB",
      acquisitionType: "Medium Resolution 30m",
      looks: { range: 2, azimuth: 3 },
      tiled: true,
      rpc: false,
      samples: 300,
      lines: 260,
      time: "2020-01-24T08:36:35Z",
    });
    expect(mlc.id).toBe("RCM1_OK1234567_PK1234568_1_SC30MCPB_20200124_083635_CH_CV_MLC");
    const product = await readRcmProduct(mlc.dir);
    expect(product).toMatchObject({
      beamMode: "SC30MCPB",
      acquisitionType: "Medium Resolution 30m",
      productType: "MLC",
      channels: ["CH", "CV"],
      sampleType: "Mixed",
      looks: { range: 2, azimuth: 3 },
      samplesPerLine: 300,
      lines: 260,
      imageFiles: { CH: "imagery/CH.tif", CV: "imagery/CV.tif" },
    });
    expect(product.rpc).toBeUndefined();
    const dataset = await gdal.openAsync(path.join(mlc.dir, product.imageFiles.CV!));
    try {
      expect(dataset.bands.get(1).blockSize).toEqual({ x: 256, y: 256 });
    } finally {
      dataset.close();
    }
  });
});

describe("GDAL's fake RCM product", () => {
  it("is refused as it is: its identity elements hold placeholders, the beam mode first", async () => {
    await expect(readRcmProduct(GDAL_RCM)).rejects.toThrow(
      new RcmMetadataError(
        'metadata/product.xml: <sourceAttributes/beamModeMnemonic> is not a beam mode mnemonic: "beamModeMnemonic"',
      ),
    );
  });

  it("with its placeholders filled in: VH then VV, one tie point, no RPC model (all zeros), LUTs of one gain", async () => {
    const copy = path.join(temp, "gdal-rcm", "fake_VV_VH_GRD");
    await fs.cp(GDAL_RCM, copy, { recursive: true });
    await fillInGdalProduct(copy);
    const product = await readRcmProduct(copy);
    expect(product).toEqual({
      satellite: "RCM-1",
      beamMode: "SC50MA",
      acquisitionType: "Medium Resolution 50m",
      productType: "GRD",
      acquisitionStart: "2019-12-05T22:59:38.123456Z",
      channels: ["VH", "VV"],
      looks: { range: 4, azimuth: 1 },
      pixelSpacing: 50,
      lineSpacing: 50,
      samplesPerLine: 17915,
      lines: 3297,
      sampleType: "Magnitude Detected",
      dataType: "Integer",
      bitsPerSample: 16,
      lineTimeOrdering: "Increasing",
      pixelTimeOrdering: "Decreasing",
      incidenceNear: 19.5,
      incidenceFar: 47.5,
      centreFrequencyHz: 5.405e9,
      tiePoints: [{ line: 1, pixel: 2, lat: 1.5, lon: 2.5, height: 3.5 }],
      imageFiles: { VV: "imagery/VV.tif", VH: "imagery/VH.tif" },
      lutFiles: Object.fromEntries(
        ["VV", "VH"].map((c) => [
          c,
          {
            beta0: `metadata/calibration/lutBeta_${c}.xml`,
            sigma0: `metadata/calibration/lutSigma_${c}.xml`,
            gamma0: `metadata/calibration/lutGamma_${c}.xml`,
          },
        ]),
      ),
      noiseFiles: {
        VV: "metadata/calibration/noiseLevels_VV.xml",
        VH: "metadata/calibration/noiseLevels_VH.xml",
      },
      incidenceAngleFile: "metadata/calibration/incidenceAngles.xml",
    });
    expect(product.rpc).toBeUndefined();
    // Its LUTs hold one gain (10, at sample 10, stepSize -17915): 10 along the whole line; its noise 0 dB.
    const lut = await readRcmCalibration(copy, product, "VH", "sigma0");
    expect(lut).toEqual({
      file: "metadata/calibration/lutSigma_VH.xml",
      offset: 0,
      gains: new Float64Array(17915).fill(10),
    });
    expect(await readRcmChannelNoise(copy, product, "VV", "gamma0")).toEqual(new Float64Array(17915).fill(1));
  });
});

describe("a zipped product, read in place through /vsizip/", () => {
  it("reads product.xml, LUTs and noise levels as from the folder, and GDAL reads its images", async () => {
    const zip = path.join(temp, `${synthetic.id}.zip`);
    await zipRcmProduct(synthetic.dir, zip);
    const root = `/vsizip/{${zip}}/${synthetic.id}`;
    const product = await readRcmProduct(root);
    expect(product).toEqual(await readRcmProduct(synthetic.dir));
    expect(await readRcmCalibration(root, product, "VH", "gamma0")).toEqual(
      await readRcmCalibration(synthetic.dir, product, "VH", "gamma0"),
    );
    expect(await readRcmChannelNoise(root, product, "VV", "sigma0")).toEqual(
      await readRcmChannelNoise(synthetic.dir, product, "VV", "sigma0"),
    );
    const image = await gdal.openAsync(`${root}/${product.imageFiles.VH!}`);
    try {
      expect(await image.bands.get(1).pixels.readAsync(0, 0, 400, 300)).toEqual(synthetic.dn("VH"));
    } finally {
      image.close();
    }
    await expect(readRcmProduct(`/vsizip/{${zip}}/elsewhere`)).rejects.toThrow(
      "metadata/product.xml not found in elsewhere",
    );
  });
});

describe("broken products fail naming the file and element", () => {
  const cases: [string, (dir: string) => Promise<void>, string | RegExp][] = [
    [
      "no product.xml",
      (dir) => fs.rm(path.join(dir, "metadata", "product.xml")),
      `metadata/product.xml not found in ${ID}`,
    ],
    [
      "product.xml that is not XML",
      (dir) =>
        fs.writeFile(path.join(dir, "metadata", "product.xml"), "<product><sourceAttributes></product>"),
      /^metadata\/product\.xml is not well-formed XML \(line 1, column \d+\)/,
    ],
    [
      "another satellite",
      (dir) => editProductXml(dir, (xml) => xml.replace(">RCM-1<", ">RADARSAT-2<")),
      'metadata/product.xml: <sourceAttributes/satellite> is not RCM-1, RCM-2 or RCM-3: "RADARSAT-2"',
    ],
    [
      "an unknown product type",
      (dir) => editProductXml(dir, (xml) => xml.replace("<productType>GRD<", "<productType>SGF<")),
      'metadata/product.xml: <imageGenerationParameters/generalProcessingInformation/productType> is not one of SLC, GRC, GRD, GCC, GCD, MLC: "SGF"',
    ],
    [
      "an unknown channel",
      (dir) => editProductXml(dir, (xml) => xml.replace("<polarizations>VV VH<", "<polarizations>VV XH<")),
      'metadata/product.xml: <sourceAttributes/radarParameters/polarizations> "XH" is not one of HH, HV, VV, VH, CH, CV',
    ],
    [
      "no acquisition start time",
      (dir) =>
        editProductXml(dir, (xml) =>
          xml.replace(/<rawDataStartTime>[^<]*</, "<rawDataStartTime>rawDataStartTime<"),
        ),
      'metadata/product.xml: <sourceAttributes/rawDataStartTime> is not an ISO 8601 UTC time: "rawDataStartTime"',
    ],
    [
      "no centre frequency",
      (dir) => editProductXml(dir, (xml) => xml.replace(/\s*<radarCenterFrequency[^>]*>[^<]*<[^>]*>/, "")),
      "metadata/product.xml: no <sourceAttributes/radarParameters/radarCenterFrequency>",
    ],
    [
      "a channel without an image listed",
      (dir) => editProductXml(dir, (xml) => xml.replace(/\s*<ipdf pole="VH">[^<]*<[^>]*>/, "")),
      'metadata/product.xml: no <sceneAttributes/imageAttributes/ipdf pole="VH">, though <sourceAttributes/radarParameters/polarizations> states VH',
    ],
    [
      "a channel's image missing from the product",
      (dir) => fs.rm(path.join(dir, "imagery", "VH.tif")),
      `metadata/product.xml lists imagery/VH.tif as the VH image, which is not in ${ID}`,
    ],
    [
      "an image for a channel the product does not state",
      (dir) =>
        editProductXml(dir, (xml) =>
          xml
            .replace("<polarizations>VV VH<", "<polarizations>VV<")
            .replace(/\s*<[a-zA-Z]+ [^>]*pole="VH"[^>]*>(?=lut|noise)[^<]*<[^>]*>/g, ""),
        ),
      'metadata/product.xml: <sceneAttributes/imageAttributes/ipdf pole="VH"> is not one of the channels <sourceAttributes/radarParameters/polarizations> states (VV)',
    ],
    [
      "an image path that climbs out of the product",
      (dir) => editProductXml(dir, (xml) => xml.replace(">../imagery/VH.tif<", ">../../VH.tif<")),
      'metadata/product.xml: <sceneAttributes/imageAttributes/ipdf pole="VH"> "../../VH.tif" is not a file inside the product',
    ],
    [
      "no gamma LUT listed for a GRD product",
      (dir) =>
        editProductXml(dir, (xml) =>
          xml.replace(/\s*<lookupTableFileName sarCalibrationType="Gamma" pole="VV">[^<]*<[^>]*>/, ""),
        ),
      'metadata/product.xml: no <imageReferenceAttributes/lookupTableFileName sarCalibrationType="Gamma" pole="VV">, which GRD products carry',
    ],
    [
      "a LUT of an unknown calibration",
      (dir) =>
        editProductXml(dir, (xml) =>
          xml.replace('sarCalibrationType="Gamma" pole="VV"', 'sarCalibrationType="Gamma Nought" pole="VV"'),
        ),
      "metadata/product.xml: <imageReferenceAttributes/lookupTableFileName> sarCalibrationType Gamma Nought is not one of Sigma Nought, Beta Nought, Gamma",
    ],
    [
      "a LUT listed that is not in the product",
      (dir) => fs.rm(path.join(dir, "metadata", "calibration", "lutBeta_VV.xml")),
      `metadata/product.xml lists metadata/calibration/lutBeta_VV.xml as the VV beta0 LUT, which is not in ${ID}`,
    ],
    [
      "noise levels listed that are not in the product",
      (dir) => fs.rm(path.join(dir, "metadata", "calibration", "noiseLevels_VH.xml")),
      `metadata/product.xml lists metadata/calibration/noiseLevels_VH.xml as the VH noise levels, which is not in ${ID}`,
    ],
    [
      "a missing number of looks",
      (dir) =>
        editProductXml(dir, (xml) => xml.replace(/<numberOfAzimuthLooks>.*<\/numberOfAzimuthLooks>/, "")),
      "metadata/product.xml: no <imageGenerationParameters/sarProcessingInformation/numberOfAzimuthLooks>",
    ],
    [
      "a raster size that is not a number",
      (dir) => editProductXml(dir, (xml) => xml.replace("<numLines>300<", "<numLines>3OO<")),
      'metadata/product.xml: <sceneAttributes/imageAttributes/numLines> is not an integer: "3OO"',
    ],
    [
      "a NITF product (every channel in one file)",
      (dir) => editProductXml(dir, (xml) => xml.replace(">GeoTIFF<", ">NITF 2.1<")),
      'metadata/product.xml: <imageReferenceAttributes/productFormat> is "NITF 2.1": only GeoTIFF products are read',
    ],
    [
      "a ScanSAR product of two image entries",
      (dir) => editProductXml(dir, (xml) => xml.replace("<numberOfEntries>1<", "<numberOfEntries>2<")),
      "metadata/product.xml: <sceneAttributes/numberOfEntries> is 2: only single-beam products (one image entry) are read",
    ],
    [
      "a sample type that is not the product type's",
      (dir) =>
        editProductXml(dir, (xml) => xml.replace("<sampleType>Magnitude Detected<", "<sampleType>Complex<")),
      "metadata/product.xml: <imageReferenceAttributes/rasterAttributes/sampleType> Complex is not the sample type of GRD products (Magnitude Detected)",
    ],
    [
      "a sample size that is not its data type's",
      (dir) => editProductXml(dir, (xml) => xml.replace(/(<bitsPerSample[^>]*>)16</, "$132<")),
      "metadata/product.xml: <imageReferenceAttributes/rasterAttributes/bitsPerSample> 32 is not the sample size of <imageReferenceAttributes/rasterAttributes/dataType> Integer (16)",
    ],
    [
      "an incidence angle that is a placeholder",
      (dir) =>
        editProductXml(dir, (xml) =>
          xml.replace(/<incAngFarRng([^>]*)>[^<]*</, "<incAngFarRng$1>incAngFarRng<"),
        ),
      'metadata/product.xml: <sceneAttributes/imageAttributes/incAngFarRng> is not a number: "incAngFarRng"',
    ],
    [
      "an RPC model with 19 coefficients",
      (dir) => editProductXml(dir, (xml) => xml.replace(/(<lineNumeratorCoefficients>)0 /, "$1")),
      /^metadata\/product\.xml: <imageReferenceAttributes\/geographicInformation\/rationalFunctions\/lineNumeratorCoefficients> is not 20 numbers: "0 -1 0/,
    ],
    [
      "an RPC model with a scale of 0 among numbers",
      (dir) => editProductXml(dir, (xml) => xml.replace(/<lineScale>[^<]*</, "<lineScale>0<")),
      "metadata/product.xml: <imageReferenceAttributes/geographicInformation/rationalFunctions/lineScale> is 0",
    ],
  ];

  it.each(cases)("%s", async (_name, breakIt, message) => {
    const dir = await brokenCopy();
    await breakIt(dir);
    await expect(readRcmProduct(dir)).rejects.toThrow(RcmMetadataError);
    await expect(readRcmProduct(dir)).rejects.toThrow(message);
  });

  it("a geocoded (GCD) product without LUTs reads, but has no calibration to give", async () => {
    const dir = await brokenCopy();
    await editProductXml(dir, (xml) =>
      xml
        .replace("<productType>GRD<", "<productType>GCD<")
        .replace(/\s*<lookupTableFileName [^>]*>[^<]*<[^>]*>/g, ""),
    );
    const product = await readRcmProduct(dir);
    expect(product.lutFiles).toEqual({});
    await expect(readRcmCalibration(dir, product, "VV", "sigma0")).rejects.toThrow(
      'metadata/product.xml: no <imageReferenceAttributes/lookupTableFileName sarCalibrationType="Sigma Nought" pole="VV"> (GCD product), so no sigma0 for VV',
    );
  });
});

let copies = 0;

/** A fresh copy of the synthetic product, named as it is, to break one thing in. */
async function brokenCopy(): Promise<string> {
  const dir = path.join(temp, `broken-${++copies}`, synthetic.id);
  await fs.cp(synthetic.dir, dir, { recursive: true });
  return dir;
}

async function editProductXml(dir: string, edit: (xml: string) => string): Promise<void> {
  const file = path.join(dir, "metadata", "product.xml");
  const xml = await fs.readFile(file, "utf8");
  const edited = edit(xml);
  if (edited === xml) throw new Error("test: the edit changed nothing");
  await fs.writeFile(file, edited);
}

/** GDAL's fake product with its placeholders replaced by an SC50MA product's values, and its centre frequency. */
async function fillInGdalProduct(dir: string): Promise<void> {
  await editProductXml(dir, (xml) =>
    xml
      .replace(">beamModeMnemonic<", ">SC50MA<")
      .replace(">rawDataStartTime<", ">2019-12-05T22:59:38.123456Z<")
      .replace(
        "<polarizations>VH VV</polarizations>",
        '$&<radarCenterFrequency units="Hz">5.405e9</radarCenterFrequency>',
      )
      .replace(">sampledPixelSpacing<", ">50<")
      .replace(">sampledLineSpacing<", ">50<")
      .replace(">incAngNearRng<", ">19.5<")
      .replace(">incAngFarRng<", ">47.5<"),
  );
}
