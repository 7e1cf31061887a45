import { z } from "zod";
import { EchoInputsSchema } from "../../jobs/job-spec.js";
import { preprocessingRequestSchema, type RequestLimits } from "../preprocessing-request.js";

// The processes the OGC API - Processes facade offers, described with JSON Schemas generated from the same zod
// schemas that validate their inputs.

export type JobControl = "async-execute" | "sync-execute";

export interface ProcessDefinition {
  readonly id: "preprocessing" | "echo";
  readonly title: string;
  readonly description: string;
  readonly version: string;
  readonly jobControlOptions: readonly JobControl[];
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
}

/**
 * Each input's description, from the JSON Schema zod exports for the very schema that validates the inputs
 * (input side, draft 2020-12): one property per input, required ones with minOccurs 1.
 */
function describeInputs(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  const inputs: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(json.properties ?? {})) {
    inputs[name] = {
      title: name,
      ...(INPUT_DESCRIPTIONS[name] === undefined ? {} : { description: INPUT_DESCRIPTIONS[name] }),
      minOccurs: json.required?.includes(name) === true ? 1 : 0,
      maxOccurs: 1,
      schema: property,
    };
  }
  return inputs;
}

const INPUT_DESCRIPTIONS: Record<string, string> = {
  imagery_list:
    "Landsat 8/9 scene ids (Collection 1 or 2, Level-1 or Level-2, or pre-collection), Sentinel-2 L1C/L2A " +
    "product names (with or without .SAFE), RADARSAT-2 and RCM product names, mixed as needed, no repeats",
  resolution: "Output pixel size in metres",
  cores: "GDAL threads for the job",
  delete_intermediate: "Remove the staged inputs and working copies once the results are published",
  product: "Optical scenes' radiometric product; each optical scene's level must be able to give it",
  resampling: "Resampling of continuous bands (QA bands are always nearest)",
  reflectance_type: "Reflectance stored as int16 (x 1e4, scale written in the file) or float32",
  clip: "Area of interest, EPSG:4326: [west, south, east, north] or a GeoJSON Polygon/MultiPolygon",
  mask: "QA flags whose pixels become nodata in every band",
  mask_output: "Also publish the QA mask",
  bands: 'Bands per sensor, overriding the configured ones: {"S2": ["B04", "B08"], "LC8": ["B4"]}',
  harmonize: "Adjust Sentinel-2 reflectance to Landsat 8 OLI (HLS v2.0 bandpass coefficients)",
  calibration:
    "Radar scenes: the backscatter coefficient (sigma0, beta0 or gamma0); default PARAMS, else sigma0",
  filter:
    "Radar scenes: speckle filter (gamma: Gamma-MAP, lee, none), in the product's geometry before the warp",
  filter_window: "Radar scenes: the speckle filter's window, an odd number of pixels a side (default 7)",
  noise_removal: "RCM scenes: subtract the noise-equivalent backscatter from the product's noise-level files",
  units: "Radar scenes: pow (linear power), amp (its square root) or dB (10 log10), applied after the warp",
  stringInput: "The string to return",
  pause: "Seconds to wait before returning",
};

export function processDefinitions(limits: RequestLimits): readonly ProcessDefinition[] {
  return [
    {
      id: "preprocessing",
      title: "Landsat, Sentinel-2, RADARSAT-2 and RCM preprocessing",
      description:
        "Turns Landsat 8/9, Sentinel-2, RADARSAT-2 and RCM scenes into analysis-ready Cloud-Optimized GeoTIFFs on one " +
        "grid: the optical product asked for (dn, radiance, toa or sr) or calibrated, speckle-filtered, " +
        "terrain-corrected radar backscatter, warped to the service's projection, with a VRT stack, metadata and a " +
        "STAC Item per scene. Results are published to the shared imagery storage.",
      version: "1.0.0",
      jobControlOptions: ["async-execute"],
      inputs: describeInputs(preprocessingRequestSchema(limits)),
      outputs: {
        files: {
          title: "Published files",
          description:
            "Every output raster, VRT stack, metadata JSON and STAC Item of the job, each as a link",
          schema: {
            type: "string",
            contentMediaType: "image/tiff; application=geotiff; profile=cloud-optimized",
          },
        },
      },
    },
    {
      id: "echo",
      title: "Echo",
      description:
        "Returns stringInput after pause seconds: a process for testing clients and the job life cycle.",
      version: "1.0.0",
      jobControlOptions: ["sync-execute", "async-execute"],
      inputs: describeInputs(EchoInputsSchema),
      outputs: { stringOutput: { title: "The string given", schema: { type: "string" } } },
    },
  ];
}
