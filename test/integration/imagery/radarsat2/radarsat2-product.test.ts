import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calibration } from "../../../../src/common/radar.js";
import {
  readRadarsat2Calibration,
  readRadarsat2Lut,
} from "../../../../src/imagery/radarsat2/radarsat2-lut.js";
import { Radarsat2MetadataError } from "../../../../src/imagery/radarsat2/radarsat2-metadata-error.js";
import { readRadarsat2Product } from "../../../../src/imagery/radarsat2/radarsat2-product.js";
import { REPO } from "../../../helpers/paths.js";
import {
  LUT_FILES,
  SYNTHETIC_FOOTPRINT,
  writeSyntheticRadarsat2,
  zipRadarsat2Product,
  type SyntheticRadarsat2,
} from "../../../helpers/synthetic-radarsat2.js";

// product.xml and the LUTs of a synthetic product (real structure: GDAL's RS2 driver opens it and calibrates it to
// the values our LUT reader gives), of GDAL's own test product, of a zipped product read in place, and of broken
// copies, each failing alone with the file and element named.

/** GDAL's hand-written RS2 test product (namespace http://foo.bar/rs2, placeholder strings): see its README. */
const GDAL_RS2 = path.resolve(REPO, "..", "shared", "fixtures", "sar", "gdal-autotest", "rs2");
const SUBDATASETS: Readonly<Record<Calibration, string>> = {
  sigma0: "SIGMA0",
  beta0: "BETA0",
  gamma0: "GAMMA",
};

let temp: string;
let synthetic: SyntheticRadarsat2;
beforeAll(async () => {
  temp = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-rs2-"));
  synthetic = await writeSyntheticRadarsat2(path.join(temp, "synthetic"));
});
afterAll(async () => {
  await fs.rm(temp, { recursive: true, force: true });
});

describe("a synthetic SGF product (400 x 300, HH HV)", () => {
  it("reads identity, acquisition, raster layout, geolocation and files from product.xml", async () => {
    const product = await readRadarsat2Product(synthetic.dir);
    expect(product).toEqual({
      satellite: "RADARSAT-2",
      beamMode: "W2",
      productType: "SGF",
      acquisitionStart: "2015-08-22T23:23:26.000000Z",
      polarisations: ["HH", "HV"],
      looks: { range: 1, azimuth: 1 },
      pixelSpacing: expect.closeTo(124.49, 2),
      lineSpacing: expect.closeTo(148.92, 2),
      samplesPerLine: 400,
      lines: 300,
      dataType: "Magnitude Detected",
      bitsPerSample: 16,
      lineTimeOrdering: "Increasing",
      pixelTimeOrdering: "Increasing",
      incidenceNear: 30.5,
      incidenceFar: 39.5,
      centreFrequencyHz: 5.40500045433435e9,
      tiePoints: expect.any(Array),
      rpc: synthetic.geometry.rpc,
      lutFiles: { sigma0: "lutSigma.xml", beta0: "lutBeta.xml", gamma0: "lutGamma.xml" },
      imageFiles: { HH: "imagery_HH.tif", HV: "imagery_HV.tif" },
    });
    expect(product.tiePoints).toHaveLength(25);
    expect(product.tiePoints[0]).toEqual({ line: 0, pixel: 0, lat: 50.6, lon: 8.3, height: 0 });
    for (const point of product.tiePoints) {
      const ground = synthetic.geometry.toGround(point.line, point.pixel, 0);
      expect(point.lat).toBeCloseTo(ground.lat, 12);
      expect(point.lon).toBeCloseTo(ground.lon, 12);
    }
  });

  it("reads each LUT's offset and one gain per sample, as written", async () => {
    const product = await readRadarsat2Product(synthetic.dir);
    for (const calibration of ["sigma0", "beta0", "gamma0"] as const) {
      const lut = await readRadarsat2Calibration(synthetic.dir, product, calibration);
      expect(lut.offset).toBe(synthetic.luts[calibration].offset);
      expect(lut.gains).toEqual(synthetic.luts[calibration].gains);
      expect(await readRadarsat2Lut(synthetic.dir, LUT_FILES[calibration])).toEqual(lut);
    }
  });

  it("is a product GDAL's RS2 driver opens: bands per polarisation, the same RPCs, tie points as GCPs (+0.5)", async () => {
    const product = await readRadarsat2Product(synthetic.dir);
    const dataset = await gdal.openAsync(synthetic.productXml);
    try {
      expect(dataset.driver.description).toBe("RS2");
      expect(dataset.rasterSize).toEqual({ x: 400, y: 300 });
      expect(dataset.bands.map((band) => band.getMetadata().POLARIMETRIC_INTERP)).toEqual(["HH", "HV"]);
      expect(dataset.bands.get(1).dataType).toBe(gdal.GDT_UInt16);
      expect(dataset.getMetadata("RPC")).toMatchObject(product.rpc!);
      expect(dataset.getMetadata()).toMatchObject({ PRODUCT_TYPE: "SGF", BEAM_MODE: "W2" });
      const gcps = dataset.getGCPs();
      expect(gcps.map((g) => [g.dfGCPLine, g.dfGCPPixel, g.dfGCPY, g.dfGCPX, g.dfGCPZ])).toEqual(
        product.tiePoints.map((t) => [t.line + 0.5, t.pixel + 0.5, t.lat, t.lon, t.height]),
      );
    } finally {
      dataset.close();
    }
  });

  it.each(["sigma0", "beta0", "gamma0"] as const)(
    "%s from our LUT reader, (DN² + offset) / gain, equals GDAL's RADARSAT_2_CALIB band values (relative 1e-6)",
    async (calibration) => {
      const product = await readRadarsat2Product(synthetic.dir);
      const lut = await readRadarsat2Calibration(synthetic.dir, product, calibration);
      const calibrated = await gdal.openAsync(
        `RADARSAT_2_CALIB:${SUBDATASETS[calibration]}:${synthetic.productXml}`,
      );
      try {
        for (const [index, pol] of product.polarisations.entries()) {
          const dn = await readAll(path.join(synthetic.dir, product.imageFiles[pol]!));
          expect(dn).toEqual(synthetic.dn(pol));
          const fromGdal = await readAll(calibrated, index + 1);
          expect(fromGdal).toBeInstanceOf(Float32Array);
          let worst = 0;
          dn.forEach((value, i) => {
            const ours = (value * value + lut.offset) / lut.gains[i % product.samplesPerLine]!;
            worst = Math.max(worst, Math.abs(fromGdal[i]! - ours) / ours);
          });
          expect(worst).toBeLessThan(1e-6);
        }
      } finally {
        calibrated.close();
      }
    },
  );

  it("calibrates back to the sigma0 it was made from: mean over each area, and speckle of its looks", async () => {
    const four = await writeSyntheticRadarsat2(path.join(temp, "four-looks"), {
      looks: { range: 2, azimuth: 2 },
    });
    expect((await readRadarsat2Product(four.dir)).looks).toEqual({ range: 2, azimuth: 2 });
    for (const [product, looks] of [
      [synthetic, 1],
      [four, 4],
    ] as const) {
      for (const pol of ["HH", "HV"] as const) {
        const ratio = Array.from(
          product.calibrated(pol, "sigma0"),
          (value, i) => value / product.sigma0(Math.floor(i / 400), i % 400, pol),
        );
        const mean = ratio.reduce((a, b) => a + b, 0) / ratio.length;
        const variance = ratio.reduce((a, b) => a + (b - mean) ** 2, 0) / ratio.length;
        expect(mean).toBeCloseTo(1, 1);
        // Equivalent number of looks: mean² / variance of gamma speckle of shape L is L.
        expect((mean * mean) / variance).toBeGreaterThan(looks * 0.9);
        expect((mean * mean) / variance).toBeLessThan(looks * 1.1);
      }
    }
  });

  it("states an RPC model GDAL's RPC transformer follows: pixel centres at +0.5, 100 m of terrain = 1 sample", async () => {
    const points = [
      { line: 0, pixel: 0, height: 0 },
      { line: 299, pixel: 399, height: 0 },
      { line: 120.25, pixel: 250.5, height: 0 },
      { line: 120.25, pixel: 250.5, height: 450 },
    ];
    const input = points
      .map((p) => {
        const ground = synthetic.geometry.toGround(p.line, p.pixel, p.height);
        return `${ground.lon} ${ground.lat} ${p.height}`;
      })
      .join("\n");
    const { stdout } = await execa("gdaltransform", ["-rpc", "-i", synthetic.productXml], { input });
    const image = stdout.split("\n").map((row) => row.trim().split(/\s+/).map(Number));
    points.forEach((p, i) => {
      expect(image[i]![0]).toBeCloseTo(p.pixel + 0.5, 6);
      expect(image[i]![1]).toBeCloseTo(p.line + 0.5, 6);
    });
    expect(synthetic.geometry.toImage(SYNTHETIC_FOOTPRINT.south, SYNTHETIC_FOOTPRINT.west, 300)).toEqual({
      line: expect.closeTo(299, 9),
      pixel: expect.closeTo(-3, 9),
    });
  });

  it("GDAL 3.6.2 miscalibrates tiled imagery (gain of sample nBlockXOff + j), which is why we calibrate ourselves", async () => {
    const tiled = await writeSyntheticRadarsat2(path.join(temp, "tiled"), {
      tiled: true,
      samples: 512,
      lines: 256,
    });
    const calibrated = await gdal.openAsync(`RADARSAT_2_CALIB:SIGMA0:${tiled.productXml}`);
    try {
      expect(calibrated.bands.get(1).blockSize).toEqual({ x: 256, y: 256 });
      const fromGdal = await readAll(calibrated, 1);
      const ours = tiled.calibrated("HH", "sigma0");
      const dn = tiled.dn("HH");
      const { offset, gains } = tiled.luts.sigma0;
      // The first tile column is right; in the second, sample 256 + j is divided by the gain of sample 1 + j.
      expect(fromGdal[10]).toBeCloseTo(ours[10]!, 6);
      const i = 300;
      expect(fromGdal[i]! / ours[i]!).not.toBeCloseTo(1, 2);
      expect(fromGdal[i]).toBeCloseTo((dn[i]! * dn[i]! + offset) / gains[i - 256 + 1]!, 6);
    } finally {
      calibrated.close();
    }
  });
});

describe("GDAL's RS2 test product", () => {
  it("is refused as it is: its identity elements hold placeholders, its satellite first", async () => {
    await expect(readRadarsat2Product(GDAL_RS2)).rejects.toThrow(
      new Radarsat2MetadataError('product.xml: <sourceAttributes/satellite> is not RADARSAT-2: "SATELLITE"'),
    );
  });

  it("with its placeholders filled in and the elements it lacks added: 4 tie points, no RPC model", async () => {
    const copy = path.join(temp, "gdal-rs2");
    await fs.cp(GDAL_RS2, copy, { recursive: true });
    await editProductXml(copy, (xml) =>
      xml
        .replace(">SATELLITE<", ">RADARSAT-2<")
        .replace(">BEAM_MODE_MNEMONIC<", ">S3<")
        .replace(">PRODUCT_TYPE<", ">SGF<")
        .replace(
          "</rawDataStartTime>",
          "</rawDataStartTime><radarParameters><polarizations>HH HV</polarizations>" +
            "<radarCenterFrequency>5.405e9</radarCenterFrequency></radarParameters>",
        )
        .replace(
          "<incidenceAngleNearRange>",
          "<numberOfRangeLooks>1</numberOfRangeLooks><numberOfAzimuthLooks>1</numberOfAzimuthLooks>" +
            "<incidenceAngleNearRange>",
        )
        .replace(
          "</sampledLineSpacing>",
          "</sampledLineSpacing><lineTimeOrdering>Increasing</lineTimeOrdering>" +
            "<pixelTimeOrdering>Decreasing</pixelTimeOrdering>",
        ),
    );
    const product = await readRadarsat2Product(copy);
    expect(product).toMatchObject({
      acquisitionStart: "2009-03-13T00:00:00Z",
      samplesPerLine: 20,
      lines: 20,
      // "Mag", 8 bits: GDAL reads any dataType starting with Mag as detected.
      dataType: "Magnitude Detected",
      bitsPerSample: 8,
      incidenceNear: 10,
      incidenceFar: 20,
      lutFiles: { sigma0: "lut.xml", beta0: "lut.xml", gamma0: "lut.xml" },
      imageFiles: { HH: "byte_scanline.tif", HV: "byte_scanline.tif" },
    });
    expect(product.rpc).toBeUndefined();
    expect(product.tiePoints).toEqual([
      { line: 0, pixel: 0, lat: 49, lon: 2, height: 0 },
      { line: 0, pixel: 20, lat: 49, lon: 3, height: 0 },
      { line: 20, pixel: 0, lat: 48, lon: 2, height: 0 },
      { line: 20, pixel: 20, lat: 48, lon: 3, height: 0 },
    ]);
    // Its one LUT has 256 gains of 1 for a 20-sample line: read alone it parses, checked against the product not.
    const lut = await readRadarsat2Lut(copy, "lut.xml");
    expect(lut.offset).toBe(0);
    expect(lut.gains).toEqual(new Float64Array(256).fill(1));
    await expect(readRadarsat2Calibration(copy, product, "sigma0")).rejects.toThrow(
      "lut.xml: <gains> holds 256 values, not one per sample (product.xml numberOfSamplesPerLine 20)",
    );
  });
});

describe("a zipped product, read in place through /vsizip/", () => {
  it("reads product.xml and the LUTs as from the folder, and GDAL reads its images", async () => {
    const zip = path.join(temp, `${synthetic.id}.zip`);
    await zipRadarsat2Product(synthetic.dir, zip);
    const root = `/vsizip/{${zip}}/${synthetic.id}`;
    const product = await readRadarsat2Product(root);
    expect(product).toEqual(await readRadarsat2Product(synthetic.dir));
    expect(await readRadarsat2Calibration(root, product, "gamma0")).toEqual(
      await readRadarsat2Calibration(synthetic.dir, product, "gamma0"),
    );
    expect(await readAll(`${root}/${product.imageFiles.HV!}`)).toEqual(synthetic.dn("HV"));
    await expect(readRadarsat2Product(`/vsizip/{${zip}}/elsewhere`)).rejects.toThrow(
      "product.xml not found in elsewhere",
    );
  });
});

describe("broken products fail naming the file and element", () => {
  const cases: [string, (dir: string) => Promise<void>, string | RegExp][] = [
    ["no product.xml", (dir) => fs.rm(path.join(dir, "product.xml")), `product.xml not found in ${ID}`],
    [
      "product.xml that is not XML",
      (dir) => fs.writeFile(path.join(dir, "product.xml"), "<product><sourceAttributes></product>"),
      /^product\.xml is not well-formed XML \(line 1, column \d+\)/,
    ],
    [
      "an unknown product type",
      (dir) => editProductXml(dir, (xml) => xml.replace(">SGF<", ">SCN<")),
      'product.xml: <imageGenerationParameters/generalProcessingInformation/productType> is not one of SLC, SGF, SGX, SSG, SPG: "SCN"',
    ],
    [
      "an unknown polarisation",
      (dir) => editProductXml(dir, (xml) => xml.replace("<polarizations>HH HV<", "<polarizations>HH XV<")),
      'product.xml: <sourceAttributes/radarParameters/polarizations> "XV" is not one of HH, HV, VV, VH',
    ],
    [
      "a polarisation without an image file listed",
      (dir) =>
        editProductXml(dir, (xml) => xml.replace(/\s*<fullResolutionImageData pole="HV">[^<]*<[^>]*>/, "")),
      'product.xml: no <imageAttributes/fullResolutionImageData pole="HV">, though <sourceAttributes/radarParameters/polarizations> states HV',
    ],
    [
      "an image file listed that is not in the product",
      (dir) => fs.rm(path.join(dir, "imagery_HV.tif")),
      `product.xml lists imagery_HV.tif as the HV image, which is not in ${ID}`,
    ],
    [
      "an image for a polarisation the product does not state",
      (dir) => editProductXml(dir, (xml) => xml.replace("<polarizations>HH HV<", "<polarizations>HH<")),
      'product.xml: <imageAttributes/fullResolutionImageData pole="HV"> is not one of the polarisations <sourceAttributes/radarParameters/polarizations> states (HH)',
    ],
    [
      "an image file path that climbs out of the product",
      (dir) => editProductXml(dir, (xml) => xml.replace(">imagery_HV.tif<", ">../imagery_HV.tif<")),
      'product.xml: <imageAttributes/fullResolutionImageData> is not a plain path inside the product: "../imagery_HV.tif"',
    ],
    [
      "no sigma LUT listed for an SGF product",
      (dir) =>
        editProductXml(dir, (xml) =>
          xml.replace(/<lookupTable incidenceAngleCorrection="Sigma Nought">[^<]*<[^>]*>/, ""),
        ),
      'product.xml: no <imageAttributes/lookupTable incidenceAngleCorrection="Sigma Nought">, which SGF products carry',
    ],
    [
      "a LUT listed that is not in the product",
      (dir) => fs.rm(path.join(dir, "lutBeta.xml")),
      `product.xml lists lutBeta.xml as the beta0 LUT, which is not in ${ID}`,
    ],
    [
      "a missing number of looks",
      (dir) =>
        editProductXml(dir, (xml) => xml.replace(/<numberOfAzimuthLooks>.*<\/numberOfAzimuthLooks>/, "")),
      "product.xml: no <imageGenerationParameters/sarProcessingInformation/numberOfAzimuthLooks>",
    ],
    [
      "a raster size that is not a number",
      (dir) => editProductXml(dir, (xml) => xml.replace("<numberOfLines>300<", "<numberOfLines>3OO<")),
      'product.xml: <imageAttributes/rasterAttributes/numberOfLines> is not an integer: "3OO"',
    ],
    [
      "a sample size GDAL cannot read",
      (dir) => editProductXml(dir, (xml) => xml.replace(/(<bitsPerSample[^>]*>)16</, "$132<")),
      "product.xml: <imageAttributes/rasterAttributes/bitsPerSample> 32 is not a sample size of Magnitude Detected data",
    ],
    [
      "an RPC model with 19 coefficients",
      (dir) => editProductXml(dir, (xml) => xml.replace(/(<lineNumeratorCoefficients>)0 /, "$1")),
      /^product\.xml: <imageAttributes\/geographicInformation\/rationalFunctions\/lineNumeratorCoefficients> is not 20 numbers: "0 -1 0/,
    ],
    [
      "an RPC model with one placeholder among numbers",
      (dir) => editProductXml(dir, (xml) => xml.replace(/<lineScale>[^<]*</, "<lineScale>lineScale<")),
      'product.xml: <imageAttributes/geographicInformation/rationalFunctions/lineScale> is not a number: "lineScale"',
    ],
  ];

  it.each(cases)("%s", async (_name, breakIt, message) => {
    const dir = await brokenCopy();
    await breakIt(dir);
    await expect(readRadarsat2Product(dir)).rejects.toThrow(Radarsat2MetadataError);
    await expect(readRadarsat2Product(dir)).rejects.toThrow(message);
  });

  const lutCases: [string, (text: string) => string, string | RegExp][] = [
    [
      "a gain that is not a number",
      (text) => text.replace(/(<gains>(?:\S+ ){17})\S+/, "$1abc"),
      'lutSigma.xml: <gains> value 18 of 400 is not a number: "abc"',
    ],
    [
      "a gain of 0",
      (text) => text.replace(/<gains>\S+/, "<gains>0"),
      'lutSigma.xml: <gains> value 1 of 400 is not a positive number: "0"',
    ],
    [
      "an offset that is not a number",
      (text) => text.replace(/<offset>[^<]*</, "<offset>none<"),
      'lutSigma.xml: <offset> is not a number: "none"',
    ],
    ["no gains", (text) => text.replace(/<gains>[^<]*<\/gains>/, ""), "lutSigma.xml: no <gains>"],
    [
      "a LUT that is not XML",
      (text) => text.replace("</lut>", ""),
      /^lutSigma\.xml is not well-formed XML \(line \d+, column \d+\)/,
    ],
    [
      "one gain too few for the line",
      (text) => text.replace(/ \S+<\/gains>/, "</gains>"),
      "lutSigma.xml: <gains> holds 399 values, not one per sample (product.xml numberOfSamplesPerLine 400)",
    ],
  ];

  it.each(lutCases)("LUT with %s", async (_name, breakIt, message) => {
    const dir = await brokenCopy();
    const file = path.join(dir, "lutSigma.xml");
    await fs.writeFile(file, breakIt(await fs.readFile(file, "utf8")));
    const product = await readRadarsat2Product(dir);
    await expect(readRadarsat2Calibration(dir, product, "sigma0")).rejects.toThrow(Radarsat2MetadataError);
    await expect(readRadarsat2Calibration(dir, product, "sigma0")).rejects.toThrow(message);
    // The other calibrations are untouched.
    await expect(readRadarsat2Calibration(dir, product, "beta0")).resolves.toMatchObject({ offset: 100 });
  });

  it("a LUT file that is not there", async () => {
    const dir = await brokenCopy();
    const product = await readRadarsat2Product(dir);
    await fs.rm(path.join(dir, "lutGamma.xml"));
    await expect(readRadarsat2Calibration(dir, product, "gamma0")).rejects.toThrow(
      `lutGamma.xml not found in ${ID}`,
    );
  });

  it("an SSG product without LUTs reads, but has no calibration to give", async () => {
    const dir = await brokenCopy();
    await editProductXml(dir, (xml) =>
      xml.replace(">SGF<", ">SSG<").replace(/\s*<lookupTable [^>]*>[^<]*<[^>]*>/g, ""),
    );
    const product = await readRadarsat2Product(dir);
    expect(product.lutFiles).toEqual({});
    await expect(readRadarsat2Calibration(dir, product, "sigma0")).rejects.toThrow(
      'product.xml: no <imageAttributes/lookupTable incidenceAngleCorrection="Sigma Nought"> (SSG product), so no sigma0',
    );
  });
});

const ID = "RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF";
let copies = 0;

/** A fresh copy of the synthetic product, named as it is, to break one thing in. */
async function brokenCopy(): Promise<string> {
  const dir = path.join(temp, `broken-${++copies}`, synthetic.id);
  await fs.cp(synthetic.dir, dir, { recursive: true });
  return dir;
}

async function editProductXml(dir: string, edit: (xml: string) => string): Promise<void> {
  const file = path.join(dir, "product.xml");
  const xml = await fs.readFile(file, "utf8");
  const edited = edit(xml);
  if (edited === xml) throw new Error("test: the edit changed nothing");
  await fs.writeFile(file, edited);
}

/** Every pixel of a band, of a file or of an open dataset. */
async function readAll(source: string | gdal.Dataset, band = 1): Promise<gdal.TypedArray> {
  const dataset = typeof source === "string" ? await gdal.openAsync(source) : source;
  try {
    const { x, y } = dataset.rasterSize;
    return await dataset.bands.get(band).pixels.readAsync(0, 0, x, y);
  } finally {
    if (typeof source === "string") dataset.close();
  }
}
