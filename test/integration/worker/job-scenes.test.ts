import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import type { JobRequest } from "../../../src/jobs/job-spec.js";
import { JobSpecSchema } from "../../../src/jobs/job-spec.js";
import { jobScenes } from "../../../src/worker/job-scenes.js";
import { REPO } from "../../helpers/paths.js";

// What a job asks of each scene: an optical scene's product, a radar scene's calibration, filter, window,
// units and beam modes, from the request over the PARAMS block frozen in job.json.

const config = loadConfig(path.join(REPO, "test", "fixtures", "config", "seed-config.yaml"), {});
const RS2 = "RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF";
const LC8 = "LC08_L2SP_017036_20130419_20200913_02_T2";

function scenes(request: Partial<JobRequest>) {
  const full = { imagery_list: [RS2, LC8], resolution: 30, cores: 1, delete_intermediate: false, ...request };
  // Through job.json's own schema, as the worker reads it.
  const spec = JobSpecSchema.parse(
    JSON.parse(
      JSON.stringify(buildJobSpec("0190b7a0-0000-7000-8000-000000000000", full, "t", config, new Date())),
    ),
  );
  return jobScenes(spec);
}

describe("jobScenes", () => {
  it("gives a radar scene the seed's PARAMS.RS2 (gamma, W2) with the defaults, and Landsat its product", () => {
    const [radar, optical] = scenes({});
    expect(radar).toMatchObject({
      product: "sigma0",
      bands: ["HH", "HV", "VV", "VH"],
      radar: { calibration: "sigma0", filter: "gamma", window: 7, units: "dB", modes: ["W2"] },
    });
    expect(optical).toMatchObject({ product: "sr", radar: undefined });
  });

  it("lets the request's radar fields and bands override PARAMS, and leaves the optical product alone", () => {
    const [radar, optical] = scenes({
      calibration: "gamma0",
      filter: "lee",
      filter_window: 11,
      units: "amp",
      product: "dn",
      bands: { RS2: ["HV"] },
    });
    expect(radar).toMatchObject({
      product: "gamma0",
      bands: ["HV"],
      radar: { calibration: "gamma0", filter: "lee", window: 11, units: "amp", modes: ["W2"] },
    });
    expect(optical).toMatchObject({ product: "dn" });
  });
});
