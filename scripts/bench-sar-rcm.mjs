// ./dev bench sar's RCM row: a Medium Resolution 16m (16M5) GRD product, VV and VH, UInt16. 16M images a 30 km
// swath at 16 m resolution with 1 x 4 looks; its GRD pixel spacing is taken as 6.25 m, so 4800 samples span the
// swath, and 5600 lines (35 km) give the frame the RADARSAT-2 row's proportions. GDAL 3.6 has no RCM driver, so
// no calibrated subdataset: the baseline warps the channels' GeoTIFFs as they are (DNs, uncalibrated), stacked in
// a VRT that carries product.xml's RPCs, to Float32 as the RADARSAT-2 baseline writes. Calibration is what the
// service adds.
import fs from "node:fs";
import path from "node:path";
import { readRcmProduct } from "../dist/imagery/rcm/rcm-product.js";
import { footprintAround } from "./bench-sar-footprint.mjs";
import { syntheticGeometry } from "./synthetic-radarsat2-product.mjs";
import {
  expandTable,
  lutTable,
  rcmMetadataFiles,
  SYNTHETIC_RCM_LUT_OFFSET,
} from "./synthetic-rcm-product.mjs";
import { writeSpeckledChannel } from "./synthetic-sar-pixels.mjs";

const SPACING = 6.25;
const LOOKS = { range: 1, azimuth: 4 };
const CHANNELS = ["VV", "VH"];
/** 16M5's incidence across its 30 km swath (about 2.3° from 600 km up), made up around 35°. */
const INCIDENCE = { near: 34.0, far: 36.3 };

export const rcmBench = {
  key: "rcm",
  product: "RCM1_OK1234567_PK1234568_1_16M5_20220714_174107_VV_VH_GRD",
  bands: CHANNELS,
  defaultSize: [4800, 5600],
  title: (samples, lines) => `RCM 16M GRD ${samples} x ${lines} px at ${SPACING} m, UInt16, VV + VH`,
  /** gdalwarp does not calibrate here: its like-for-like is the warp alone. */
  likeForLike: { stages: ["warp (RPC + DEM)"], what: "warp alone" },
  generate,
  baseline: async (productDir, runDir) => ({
    what: "gdalwarp -rpc uncalibrated",
    source: await writeRpcVrt(productDir, path.join(runDir, "baseline-source.vrt")),
    args: ["-ot", "Float32"],
    note:
      "baseline: gdalwarp -rpc of imagery/VV.tif and VH.tif UNCALIBRATED (DNs; GDAL 3.6 has no RCM driver), " +
      "stacked in a VRT with product.xml's RPCs, to Float32",
  }),
};

/**
 * The product folder as the CSA lays it out (manifest.safe, metadata/, imagery/<POL>.tif), over a 16M footprint
 * centred where the two SRTM tiles meet, which it does not leave.
 */
function generate(productDir, samples, lines) {
  const footprint = footprintAround(50.5, 9.0, samples, lines, SPACING);
  const geometry = syntheticGeometry(samples, lines, footprint, SPACING * Math.tan((35 * Math.PI) / 180));
  const files = rcmMetadataFiles({
    id: rcmBench.product,
    samples,
    lines,
    channels: CHANNELS,
    beamMode: "16M5",
    acquisitionType: "Medium Resolution 16m",
    looks: LOOKS,
    time: "2022-07-14T17:41:07Z",
    spacing: SPACING,
    incidence: INCIDENCE,
    geometry,
  });
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(productDir, file)), { recursive: true });
    fs.writeFileSync(path.join(productDir, file), text);
  }
  fs.mkdirSync(path.join(productDir, "imagery"));
  for (const [c, channel] of CHANNELS.entries()) {
    writeSpeckledChannel({
      file: path.join(productDir, "imagery", `${channel}.tif`),
      samples,
      lines,
      gains: expandTable(lutTable(samples, c, "sigma0"), samples),
      offset: SYNTHETIC_RCM_LUT_OFFSET,
      looks: LOOKS.range * LOOKS.azimuth,
      rangeFallDb: 1,
      seed: 23 + c,
      crossPol: c === 1,
    });
  }
}

/** A VRT of the channels' images as bands 1 and 2, with the RPC model the service reads from product.xml. */
async function writeRpcVrt(productDir, file) {
  const product = await readRcmProduct(productDir);
  const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const items = Object.entries(product.rpc).map(([key, value]) => `    <MDI key="${key}">${value}</MDI>`);
  const bands = CHANNELS.map(
    (channel, i) => `  <VRTRasterBand dataType="UInt16" band="${i + 1}">
    <Description>${channel}</Description>
    <SimpleSource>
      <SourceFilename relativeToVRT="0">${escape(path.join(productDir, product.imageFiles[channel]))}</SourceFilename>
      <SourceBand>1</SourceBand>
    </SimpleSource>
  </VRTRasterBand>`,
  );
  fs.writeFileSync(
    file,
    [
      `<VRTDataset rasterXSize="${product.samplesPerLine}" rasterYSize="${product.lines}">`,
      `  <Metadata domain="RPC">`,
      ...items,
      `  </Metadata>`,
      ...bands,
      `</VRTDataset>`,
      ``,
    ].join("\n"),
  );
  return file;
}
