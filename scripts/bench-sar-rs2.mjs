// ./dev bench sar's RADARSAT-2 row: a wide-beam (W2) SGF product, 12000 x 14000 px at 12.5 m (150 km x 175 km),
// HH and HV, and GDAL's calibrated subdataset (RADARSAT_2_CALIB:SIGMA0, both polarisations) as the baseline.
// product.xml, LUTs and RPC model as the tests' (synthetic-radarsat2-product.mjs).
import fs from "node:fs";
import path from "node:path";
import { footprintAround } from "./bench-sar-footprint.mjs";
import {
  LUT_FILES,
  lutXml,
  productXmlText,
  SYNTHETIC_GAINS,
  SYNTHETIC_LUT_OFFSET,
  syntheticGeometry,
} from "./synthetic-radarsat2-product.mjs";
import { writeSpeckledChannel } from "./synthetic-sar-pixels.mjs";

/** Wide-beam SGF: 12.5 m pixel and line spacing, 1 x 4 looks, 30.5° to 39.5° incidence. */
const SPACING = 12.5;
const LOOKS = { range: 1, azimuth: 4 };
const POLARISATIONS = ["HH", "HV"];

export const rs2Bench = {
  key: "rs2",
  product: "RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF",
  bands: POLARISATIONS,
  defaultSize: [12000, 14000],
  title: (samples, lines) => `RADARSAT-2 SGF ${samples} x ${lines} px, UInt16, HH + HV`,
  /** gdalwarp calibrates too: its like-for-like is calibration alone plus the warp. */
  likeForLike: { stages: ["calibrate", "warp (RPC + DEM)"], what: "(calibrate alone + warp)" },
  generate,
  baseline: (productDir) => ({
    what: "gdalwarp -rpc baseline",
    source: `RADARSAT_2_CALIB:SIGMA0:${path.join(productDir, "product.xml")}`,
    args: [],
    note: "baseline: gdalwarp -rpc of GDAL's calibrated subdataset (RADARSAT_2_CALIB:SIGMA0, HH and HV)",
  }),
};

/**
 * product.xml, the LUTs and per polarisation a UInt16 image in strips, over a footprint centred where the two
 * SRTM tiles meet (the other tiles it reaches are missing, as at a coast, and taken as flat).
 */
function generate(productDir, samples, lines) {
  const footprint = footprintAround(50.5, 9.0, samples, lines, SPACING);
  const geometry = syntheticGeometry(samples, lines, footprint, metresPerSampleShift());
  for (const [calibration, { a, b }] of Object.entries(SYNTHETIC_GAINS)) {
    const gains = Float64Array.from({ length: samples }, (_, s) => a + b * s);
    fs.writeFileSync(path.join(productDir, LUT_FILES[calibration]), lutXml(SYNTHETIC_LUT_OFFSET, gains));
  }
  fs.writeFileSync(
    path.join(productDir, "product.xml"),
    productXmlText({
      samples,
      lines,
      polarisations: POLARISATIONS,
      productType: "SGF",
      beamMode: "W2",
      looks: LOOKS,
      time: "2015-08-22T23:23:26Z",
      geometry,
      rpc: true,
      footprint,
    }),
  );
  const { a, b } = SYNTHETIC_GAINS.sigma0;
  const gains = Float64Array.from({ length: samples }, (_, s) => a + b * s);
  for (const [p, pol] of POLARISATIONS.entries()) {
    writeSpeckledChannel({
      file: path.join(productDir, `imagery_${pol}.tif`),
      samples,
      lines,
      gains,
      offset: SYNTHETIC_LUT_OFFSET,
      looks: LOOKS.range * LOOKS.azimuth,
      rangeFallDb: 3,
      seed: 11 + p,
      crossPol: p === 1,
    });
  }
}

/** Terrain h metres high moves a pixel h / tan(35°) metres in ground range, at mid-swath. */
function metresPerSampleShift() {
  return SPACING * Math.tan((35 * Math.PI) / 180);
}
