import { gcpGeolocation, rpcGeolocation, tiePointBox, tiePointGcps } from "../sar/sar-geolocation.js";
import { checkBeamMode, sarBandPlans, sarLook, sarProvenance } from "../sar/sar-scene-plan.js";
import type { ScenePlan, Sensor } from "../sensor.js";
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

export const radarsat2Sensor: Sensor<Radarsat2SceneId> = {
  ...radarsat2Identity,
  locate: locateRadarsat2,
  readRoot: (path, kind, scene) => (kind === "zip" ? radarsat2VsizipRoot(path, scene) : path),
  async plan(root, scene, request): Promise<ScenePlan> {
    const radar = request.radar;
    if (radar === undefined) throw new Error(`${scene.id}: the job gives no radar options`);
    const product = await readRadarsat2Product(root);
    refuseUnsupported(product);
    checkBeamMode("RS2", product.beamMode, radar);
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
    const channels = polarisations.map((pol) => {
      const file = product.imageFiles[pol];
      if (file === undefined) {
        throw new Radarsat2MetadataError(`product.xml names no image file for ${pol}`);
      }
      return {
        band: pol,
        source: radarsat2ProductFile(root, file),
        calibration: { kind: "detected" as const, gains: lut.gains, offset: lut.offset },
      };
    });
    const georeferencing =
      product.rpc === undefined ? { gcps: tiePointGcps(product.tiePoints) } : { rpc: product.rpc };
    return {
      bands: sarBandPlans(channels, radar, looks, geolocation, georeferencing),
      description: radarsat2Description(scene, product, {
        ...sarProvenance(radar, looks),
        lut: product.lutFiles[radar.calibration],
        lutOffset: lut.offset,
        ...geolocation.provenance,
      }),
      notes: geolocation.notes,
      look: sarLook(polarisations, radar.units),
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

function requireSrtmDir(srtmDir: string | undefined): string {
  if (srtmDir === undefined) throw new Error("job.json has no SRTM_DIR for terrain correction");
  return srtmDir;
}

function requireScratchDir(scratchDir: string | undefined): string {
  if (scratchDir === undefined)
    throw new Error("the scene has no scratch folder for its terrain correction DEM");
  return scratchDir;
}
