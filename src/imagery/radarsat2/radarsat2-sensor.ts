import { FLOAT32_NODATA, backscatter } from "../../pipeline/band-conversion.js";
import { calibrateAndFilter, type Georeferencing } from "../../pipeline/sar/calibrate-and-filter.js";
import type { BandPlan } from "../../pipeline/scene-output.js";
import { gcpGeolocation, rpcGeolocation, tiePointBox } from "../sar/sar-geolocation.js";
import { SceneSkippedError, type ScenePlan, type Sensor } from "../sensor.js";
import { radarsat2Description } from "./radarsat2-description.js";
import { radarsat2Identity } from "./radarsat2-identity.js";
import { readRadarsat2Calibration } from "./radarsat2-lut.js";
import { Radarsat2MetadataError } from "./radarsat2-metadata-error.js";
import { radarsat2ProductFile } from "./radarsat2-product-files.js";
import { readRadarsat2Product } from "./radarsat2-product.js";
import type { Radarsat2Product } from "./radarsat2-product-schema.js";
import type { Radarsat2SceneId } from "./radarsat2-scene-id.js";
import { locateRadarsat2, radarsat2VsizipRoot } from "./radarsat2-storage.js";

// RADARSAT-2 in the worker: a product folder or its zip (read in place), its product.xml and LUT, and per
// polarisation a plan that calibrates and filters speckle in the product's geometry (linear power), warps with
// the rational functions over the SRTM DEM, and converts to the units asked for after the warp.

/** Co- and cross-polarised pairs, for the quicklook. */
const DUAL_POLARISATIONS = [
  { co: "HH", cross: "HV" },
  { co: "VV", cross: "VH" },
] as const;

export const radarsat2Sensor: Sensor<Radarsat2SceneId> = {
  ...radarsat2Identity,
  locate: locateRadarsat2,
  readRoot: (path, kind, scene) => (kind === "zip" ? radarsat2VsizipRoot(path, scene) : path),
  async plan(root, scene, request): Promise<ScenePlan> {
    const radar = request.radar;
    if (radar === undefined) throw new Error(`${scene.id}: the job gives no radar options`);
    const product = await readRadarsat2Product(root);
    refuseUnsupported(product);
    if (radar.modes !== undefined && !radar.modes.includes(product.beamMode)) {
      throw new SceneSkippedError(
        `beam mode ${product.beamMode} is not among PARAMS.RS2.modes (${radar.modes.join(", ")})`,
      );
    }
    const polarisations = product.polarisations.filter((pol) => request.bands.includes(pol));
    if (polarisations.length === 0) {
      throw new Radarsat2MetadataError(
        `the product holds ${product.polarisations.join(", ")}, none of the polarisations asked for ` +
          `(${request.bands.join(", ")})`,
      );
    }
    const lut = await readRadarsat2Calibration(root, product, radar.calibration);
    const geolocation =
      product.rpc === undefined
        ? gcpGeolocation()
        : await rpcGeolocation(
            requireSrtmDir(request.srtmDir),
            tiePointBox(product.tiePoints),
            requireScratchDir(request.scratchDir),
          );
    const looks = product.looks.range * product.looks.azimuth;
    const bands = polarisations.map((pol): BandPlan => {
      const file = product.imageFiles[pol];
      if (file === undefined) {
        throw new Radarsat2MetadataError(`product.xml names no image file for ${pol}`);
      }
      const source = radarsat2ProductFile(root, file);
      return {
        band: pol,
        source,
        conversion: backscatter(pol, radar.calibration, radar.units),
        transformer: geolocation.transformer,
        prepare: {
          nodata: FLOAT32_NODATA,
          run: async (target) => {
            await calibrateAndFilter({
              source,
              band: 1,
              calibration: { kind: "detected", gains: lut.gains, offset: lut.offset },
              filter: { kind: radar.filter, window: radar.window, looks },
              target,
              georeferencing:
                product.rpc === undefined ? { gcps: tiePointGcps(product) } : { rpc: product.rpc },
            });
          },
        },
      };
    });
    const pair = DUAL_POLARISATIONS.find(
      (p) => polarisations.includes(p.co) && polarisations.includes(p.cross),
    );
    return {
      bands,
      description: radarsat2Description(scene, product, {
        calibration: radar.calibration,
        lut: product.lutFiles[radar.calibration],
        lutOffset: lut.offset,
        speckleFilter:
          radar.filter === "none"
            ? null
            : { kind: radar.filter, window: radar.window, looks, looksFrom: "product.xml" },
        units: radar.units,
        resampledIn: "linear power",
        ...geolocation.provenance,
      }),
      notes: geolocation.notes,
      look: pair === undefined ? { units: radar.units } : { dualPolarisation: pair, units: radar.units },
    };
  },
};

/**
 * Detected ground-range products (SGF, SGX) are what the pipeline calibrates. SLC would need detection and
 * multilooking; SSG and SPG are already map-projected, resampled before any calibration could apply.
 */
function refuseUnsupported(product: Radarsat2Product): void {
  switch (product.productType) {
    case "SGF":
    case "SGX":
      return;
    case "SLC":
      throw new Radarsat2MetadataError(
        "SLC (single look complex) products are not supported: detection and multilooking are not built; " +
          "order the product as SGF or SGX",
      );
    case "SSG":
    case "SPG":
      throw new Radarsat2MetadataError(
        `${product.productType} products are map-projected before calibration, so they cannot be calibrated ` +
          "here; order the product as SGF or SGX",
      );
  }
}

/** The geolocation grid as GDAL's GCPs: tie points are pixel centres, so 0.5 is added, as GDAL's RS2 driver does. */
function tiePointGcps(product: Radarsat2Product): Georeferencing["gcps"] {
  return {
    srs: "EPSG:4326",
    gcps: product.tiePoints.map((point) => ({
      dfGCPPixel: point.pixel + 0.5,
      dfGCPLine: point.line + 0.5,
      dfGCPX: point.lon,
      dfGCPY: point.lat,
      dfGCPZ: point.height,
    })),
  };
}

function requireSrtmDir(srtmDir: string | undefined): string {
  if (srtmDir === undefined) throw new Error("job.json has no SRTM_DIR for terrain correction");
  return srtmDir;
}

function requireScratchDir(scratchDir: string | undefined): string {
  if (scratchDir === undefined)
    throw new Error("the scene has no scratch folder for its terrain correction DEM");
  return scratchDir;
}
