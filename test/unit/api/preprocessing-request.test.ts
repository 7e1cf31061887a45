import { describe, expect, it } from "vitest";
import { toFieldIssues } from "../../../src/common/zod-issues.js";
import { ListQuerySchema, preprocessingRequestSchema } from "../../../src/api/preprocessing-request.js";

const schema = preprocessingRequestSchema({
  maxScenes: 3,
  maxCores: 4,
  defaultResolution: 30,
  defaultDeleteIntermediate: false,
  minResolution: 1,
  maxOutputPixels: 1_000_000_000,
});
const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
const OTHER = "LC08_L1TP_015029_20200814_20200822_01_T1";

function fieldsOf(body: unknown): string[] {
  const result = schema.safeParse(body);
  if (result.success) return [];
  return toFieldIssues(result.error).map((i) => `${i.field}: ${i.message}`);
}

describe("preprocessing request", () => {
  it("accepts the seed's example body", () => {
    const body = { imagery_list: [SCENE, OTHER], resolution: 10, cores: 2, delete_intermediate: false };
    expect(schema.parse(body)).toEqual(body);
  });

  it.each([
    ["True", true],
    ["true", true],
    ["False", false],
    ["false", false],
    [true, true],
    [false, false],
  ])("reads delete_intermediate %j as %s", (value, expected) => {
    expect(schema.parse({ imagery_list: [SCENE], delete_intermediate: value }).delete_intermediate).toBe(
      expected,
    );
  });

  it("fills resolution, cores and delete_intermediate from the config", () => {
    expect(schema.parse({ imagery_list: [SCENE] })).toEqual({
      imagery_list: [SCENE],
      resolution: 30,
      cores: 4,
      delete_intermediate: false,
    });
  });

  it.each([
    [{}, ["imagery_list: is required"]],
    [{ imagery_list: [] }, ["imagery_list: must name at least one scene"]],
    [{ imagery_list: SCENE }, [expect.stringMatching(/^imagery_list: .*expected array/) as string]],
    [{ imagery_list: [SCENE, OTHER, SCENE] }, ["imagery_list: lists a scene more than once"]],
    [{ imagery_list: [SCENE, OTHER, SCENE, OTHER] }, [expect.stringMatching(/at most 3 scenes/) as string]],
    [
      { imagery_list: ["../../etc/passwd"] },
      [
        expect.stringMatching(
          /^imagery_list\[0\]: is not a scene id of a supported sensor: Landsat 8\/9 \(e\.g\. LC08_.*\), Sentinel-2 \(e\.g\. S2A_MSIL2A_/,
        ) as string,
      ],
    ],
    [{ imagery_list: [SCENE, "a/b"] }, [expect.stringMatching(/^imagery_list\[1\]: /) as string]],
    [{ imagery_list: [`${SCENE}\u0000`] }, [expect.stringMatching(/^imagery_list\[0\]: /) as string]],
    [
      { imagery_list: ["L".repeat(81)] },
      [expect.stringMatching(/^imagery_list\[0\]: is too long/) as string],
    ],
    [{ imagery_list: [42] }, [expect.stringMatching(/^imagery_list\[0\]: .*expected string/) as string]],
    [{ imagery_list: [SCENE], resolution: 0 }, ["resolution: must be a positive number of metres"]],
    [{ imagery_list: [SCENE], resolution: -5 }, ["resolution: must be a positive number of metres"]],
    [{ imagery_list: [SCENE], resolution: 10_001 }, ["resolution: must be at most 10000 metres"]],
    [
      { imagery_list: [SCENE], resolution: "10" },
      [expect.stringMatching(/^resolution: .*expected number/) as string],
    ],
    [{ imagery_list: [SCENE], cores: 0 }, ["cores: must be at least 1"]],
    [{ imagery_list: [SCENE], cores: 5 }, ["cores: must be at most 4 (CPU_CORES)"]],
    [{ imagery_list: [SCENE], cores: 1.5 }, ["cores: must be a whole number"]],
    [
      { imagery_list: [SCENE], delete_intermediate: "yes" },
      [expect.stringMatching(/^delete_intermediate: /) as string],
    ],
    [
      { imagery_list: [SCENE], delete_intermediate: 1 },
      [expect.stringMatching(/^delete_intermediate: /) as string],
    ],
    [{ imagery_list: [SCENE], priority: "high" }, ["priority: is not a recognised field"]],
  ])("refuses %j, naming the field", (body, expected) => {
    expect(fieldsOf(body)).toEqual(expected);
  });

  it("names every bad field at once", () => {
    expect(fieldsOf({ imagery_list: ["x"], resolution: 0, cores: 99, extra: 1 })).toHaveLength(4);
  });
});

describe("job list query", () => {
  it("defaults the page size and checks status, limit and cursor", () => {
    expect(ListQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(ListQuerySchema.parse({ status: "running", limit: "5" })).toEqual({ status: "running", limit: 5 });
    expect(ListQuerySchema.safeParse({ status: "done" }).success).toBe(false);
    expect(ListQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(ListQuerySchema.safeParse({ limit: "1001" }).success).toBe(false);
    expect(ListQuerySchema.safeParse({ cursor: "../x" }).success).toBe(false);
    expect(ListQuerySchema.safeParse({ sort: "asc" }).success).toBe(false);
  });
});

describe("a product check next to an invalid scene id", () => {
  it("reports the id, and does not throw (found by the fuzzer: an empty id with product dn gave a 500)", () => {
    const schema = preprocessingRequestSchema({
      maxScenes: 10,
      maxCores: 4,
      defaultResolution: 30,
      defaultDeleteIntermediate: false,
      minResolution: 1,
      maxOutputPixels: 1_000_000_000,
    });
    const parsed = schema.safeParse({ imagery_list: ["", "../x"], product: "dn" });
    expect(parsed.success).toBe(false);
    expect(toFieldIssues(parsed.error!).map((i) => i.field)).toEqual(["imagery_list[0]", "imagery_list[1]"]);
  });
});

describe("output size limits (MIN_RESOLUTION, MAX_OUTPUT_PIXELS)", () => {
  const scene = { imagery_list: [SCENE], cores: 1 };

  it("refuses a resolution finer than MIN_RESOLUTION, naming the key", () => {
    expect(fieldsOf({ ...scene, resolution: 0.05 })).toEqual([
      "resolution: must be at least 1 metres (MIN_RESOLUTION)",
    ]);
  });

  it("refuses a whole scene sure to exceed MAX_OUTPUT_PIXELS, and allows it at 10 m", () => {
    expect(fieldsOf({ ...scene, resolution: 10 })).toEqual([]);
    expect(fieldsOf({ ...scene, resolution: 1 })).toEqual([
      "resolution: would make about 3.3e+10 pixels per band for a whole scene, above MAX_OUTPUT_PIXELS " +
        "(1000000000); ask for a coarser resolution or a clip",
    ]);
  });

  it("leaves a clipped job to the worker, which knows the scene's footprint", () => {
    expect(fieldsOf({ ...scene, resolution: 1, clip: [-75, 45, -74.99, 45.01] })).toEqual([]);
  });
});

describe("RADARSAT-2 scenes and the radar options", () => {
  const RS2 = "RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF";

  it("accepts a RADARSAT-2 product name beside a Landsat scene, with the radar options", () => {
    const body = {
      imagery_list: [RS2, SCENE],
      calibration: "gamma0",
      filter: "lee",
      filter_window: 9,
      units: "amp",
      product: "toa",
    };
    expect(schema.parse(body)).toMatchObject(body);
  });

  it("refuses the radar options for a job without a radar scene, naming each field", () => {
    expect(
      fieldsOf({
        imagery_list: [SCENE],
        calibration: "sigma0",
        filter: "gamma",
        filter_window: 5,
        units: "dB",
      }),
    ).toEqual([
      "calibration: applies to radar scenes (RADARSAT-2, RCM), and the job has none",
      "filter: applies to radar scenes (RADARSAT-2, RCM), and the job has none",
      "filter_window: applies to radar scenes (RADARSAT-2, RCM), and the job has none",
      "units: applies to radar scenes (RADARSAT-2, RCM), and the job has none",
    ]);
  });

  it("refuses an optical product for a job of radar scenes only", () => {
    expect(fieldsOf({ imagery_list: [RS2], product: "sr" })).toEqual([
      "product: applies to optical scenes (a radar scene's is its calibration), and the job has none",
    ]);
  });

  it.each([
    [{ filter_window: 4 }, "filter_window: must be odd (the window is centred on its pixel)"],
    [{ filter_window: 1 }, "filter_window: must be at least 3 pixels"],
    [{ filter_window: 27 }, "filter_window: must be at most 25 pixels"],
    [{ filter: "none", filter_window: 5 }, "filter_window: needs a speckle filter"],
    [{ units: "db" }, 'units: Invalid option: expected one of "pow"|"amp"|"dB"'],
    [{ calibration: "sigma1" }, 'calibration: Invalid option: expected one of "sigma0"|"beta0"|"gamma0"'],
    [{ bands: { RS2: ["HH", "CH"] } }, 'bands.RS2[1]: Invalid option: expected one of "HH"|"HV"|"VV"|"VH"'],
  ])("refuses %j", (fields, message) => {
    expect(fieldsOf({ imagery_list: [RS2], ...fields })).toEqual([message]);
  });

  it("accepts an RCM product with noise removal, and refuses noise removal for a job without RCM", () => {
    const rcm = "RCM1_OK1721243_PK1721268_4_5M9_20200425_001248_HH_HV_GRD";
    expect(fieldsOf({ imagery_list: [rcm, RS2], noise_removal: true, filter: "lee" })).toEqual([]);
    expect(fieldsOf({ imagery_list: [RS2], noise_removal: true })).toEqual([
      "noise_removal: applies to RCM scenes (from their noise-level files), and the job has none",
    ]);
  });

  it.each([
    ["RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_XX_SGF", /polarisation/],
    ["RS2_OK76385_PK678063_DK606752_W2_20151322_232326_HH_SGF", /date/],
    ["RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_GRD", /product type/],
  ])("refuses the malformed RADARSAT-2 name %s, saying what is wrong", (id, why) => {
    const [issue] = fieldsOf({ imagery_list: [id] });
    expect(issue).toMatch(/^imagery_list\[0\]: /);
    expect(issue).toMatch(why);
  });
});
