import { opticalProduct } from "../../common/products.js";
import type { Sensor, ScenePlan } from "../sensor.js";
import { harmoniseToLandsat8 } from "./hls-harmonisation.js";
import { finestBandFile, presentFiles } from "./sentinel2-band-files.js";
import { Sentinel2BandSchema } from "./sentinel2-bands.js";
import { SENTINEL2_TRUE_COLOUR, sentinel2Description } from "./sentinel2-description.js";
import { sentinel2Identity } from "./sentinel2-identity.js";
import { sentinel2ProductSourceAt } from "./sentinel2-product-source.js";
import { sentinel2BandConversion } from "./sentinel2-products.js";
import { readSentinel2Metadata } from "./read-sentinel2-metadata.js";
import { sentinel2QaMask } from "./sentinel2-qa-mask.js";
import type { Sentinel2SceneId } from "./sentinel2-scene-id.js";
import { locateSentinel2Scene, vsizipRoot } from "./sentinel2-storage.js";

// Sentinel-2 L1C and L2A in the worker: a .SAFE folder or its zip (read in place), its MTD and MTD_TL, each band
// from the finest file the product holds, the baseline 04.00 offsets applied, masking (L2A: SCL; L1C: MSK_CLASSI
// and the bands' fill), and the HLS adjustment to Landsat 8 when asked.

export const sentinel2Sensor: Sensor<Sentinel2SceneId> = {
  ...sentinel2Identity,
  async locate(imageryStorage, scene) {
    const location = await locateSentinel2Scene(imageryStorage, scene);
    switch (location.kind) {
      case "missing":
        return { found: false, where: location.where };
      case "folder":
        return { found: true, source: location.dir, kind: "folder" };
      case "zip":
        return { found: true, source: location.zip, kind: "zip" };
    }
  },
  readRoot: (path, kind, scene) => (kind === "zip" ? vsizipRoot(path, scene) : path),
  async plan(root, scene, request): Promise<ScenePlan> {
    const source = sentinel2ProductSourceAt(root);
    const metadata = await readSentinel2Metadata(source, scene);
    const exists = await presentFiles(source, metadata);
    const read: Record<string, { file: string; resolution: number }> = {};
    const bands = request.bands.map((name) => {
      const band = Sentinel2BandSchema.parse(name);
      const file = finestBandFile(metadata, band, exists);
      read[band] = file;
      const conversion = sentinel2BandConversion(
        metadata,
        band,
        opticalProduct(request.product),
        request.reflectanceType,
      );
      return {
        band,
        source: source.path(file.file),
        conversion:
          request.harmonize === true ? harmoniseToLandsat8(conversion, metadata.satellite, band) : conversion,
      };
    });
    const qaMask =
      request.mask === undefined
        ? undefined
        : await sentinel2QaMask(
            source,
            metadata,
            exists,
            Object.values(read).map((f) => f.file),
            request.mask,
          );
    const provenance = {
      bandFiles: read,
      radiometry: {
        quantificationValue: metadata.quantificationValue,
        addOffsets: metadata.addOffsets,
        processingBaseline: metadata.processingBaseline,
      },
      ...(request.harmonize === true
        ? { harmonization: "HLS v2.0 bandpass adjustment to Landsat 8 OLI" }
        : {}),
    };
    return {
      bands,
      qaMask,
      description: sentinel2Description(metadata, provenance),
      look: { trueColour: SENTINEL2_TRUE_COLOUR },
    };
  },
};
