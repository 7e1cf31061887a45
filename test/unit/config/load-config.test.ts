import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, configPathFrom, loadConfig } from "../../../src/config/load-config.js";
import { REPO } from "../../helpers/paths.js";

const SEED_CONFIG = path.join(REPO, "test", "fixtures", "config", "seed-config.yaml");
const seedText = fs.readFileSync(SEED_CONFIG, "utf8");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agricarta-config-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function writeConfig(text: string): string {
  const file = path.join(tmp, `config-${counter++}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

/** The seed config with one top-level key (and its indented block) removed. */
function withoutKey(key: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of seedText.split("\n")) {
    if (line.startsWith(`${key}:`)) skipping = true;
    else if (skipping && /^\S/.test(line)) skipping = false;
    if (!skipping) out.push(line);
  }
  return out.join("\n");
}

describe("loadConfig", () => {
  it("loads the seed's own config.yaml unchanged, with the seed's meanings", () => {
    const config = loadConfig(SEED_CONFIG, {});
    expect(config).toMatchObject({
      rootDir: "/code",
      imageryStorage: "/code/miniostorage",
      dependenciesDir: "/code/miniostorage/required_datasets",
      srtmDir: "/code/miniostorage/required_datasets/dem/SRTM41",
      workingDir: "/code/workingdir",
      loggingDir: undefined,
      logging: { consoleLevel: "debug", fileLevel: "debug" },
      projection:
        "+proj=aea +lat_1=44.75 +lat_2=55.75 +lat_0=40 +lon_0=-96 +x_0=0 +y_0=0 +ellps=WGS84 +datum=WGS84 +units=m +no_defs",
      sensors: {
        LC8: { bands: ["B2", "B3", "B4", "B5", "B6", "B7"], product: "sr", resampClip: true },
        S2: {
          bands: ["B02", "B03", "B04", "B05", "B8A", "B11", "B12"],
          product: undefined,
          resampClip: true,
        },
      },
      resolution: 30,
      cpuCores: os.availableParallelism(),
      deleteIntermediate: false,
      port: 5000,
      maxConcurrentJobs: os.availableParallelism(),
    });
    expect(config.params["S2"]).toMatchObject({ bands: ["B02", "B03", "B04", "B05", "B8A", "B11", "B12"] });
    // The seed's RS2 block (filter, modes) with every other key at its default.
    expect(config.sensors.RS2).toEqual({
      bands: ["HH", "HV", "VV", "VH"],
      product: "sigma0",
      resampClip: true,
      radar: { calibration: "sigma0", filter: "gamma", window: 7, units: "dB", modes: ["W2"] },
    });
    // The seed's RCM block names its channels; noise removal is off unless asked for.
    expect(config.sensors.RCM).toMatchObject({
      bands: ["CH", "CV", "HH", "HV", "VH", "VV"],
      product: "sigma0",
      radar: { filter: "gamma", units: "dB", modes: undefined, noiseRemoval: false },
    });
  });

  it.each([
    ["PARAMS: { RS2: { filter: median } }", "PARAMS.RS2.filter"],
    ["PARAMS: { RS2: { window: 6 } }", "PARAMS.RS2.window"],
    ["PARAMS: { RS2: { units: db } }", "PARAMS.RS2.units"],
    ["PARAMS: { RS2: { bands: [HH, CH] } }", "PARAMS.RS2.bands[1]"],
    ["PARAMS: { RS2: { modes: [] } }", "PARAMS.RS2.modes"],
    ["PARAMS: { RS2: { noise_removal: true } }", "PARAMS.RS2"],
    ["PARAMS: { RCM: { bands: [CH, XX] } }", "PARAMS.RCM.bands[1]"],
  ])("refuses a bad RADARSAT-2 block (%s), naming the key", (params, key) => {
    expect(() => loadConfig(writeConfig(`${withoutKey("PARAMS")}\n${params}\n`), {})).toThrow(key);
  });

  it("returns a deeply frozen object", () => {
    const config = loadConfig(SEED_CONFIG, {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.sensors.LC8)).toBe(true);
    expect(Object.isFrozen(config.sensors.LC8.bands)).toBe(true);
  });

  it.each([
    "ROOT_DIR",
    "IMAGERY_STORAGE",
    "DEPENDENCIES_DIR",
    "SRTM_DIR",
    "LOGGING_CONFIG",
    "PROJECTION",
    "PARAMS",
  ])("names the missing required key %s", (key) => {
    const file = writeConfig(withoutKey(key));
    expect(() => loadConfig(file, {})).toThrow(ConfigError);
    expect(() => loadConfig(file, {})).toThrow(new RegExp(`${key}: is required`));
  });

  it("applies the seed's optional keys when given", () => {
    const file = writeConfig(
      seedText.replace(
        "# WORKING_DIR: /code/workingdir",
        "WORKING_DIR: /data/work\nRESOLUTION: 10\nCPU_CORES: 6\nLOGGING_DIR: /data/logs\nDELETE_INTERMEDIATE: True",
      ),
    );
    expect(loadConfig(file, {})).toMatchObject({
      workingDir: "/data/work",
      resolution: 10,
      cpuCores: 6,
      loggingDir: "/data/logs",
      deleteIntermediate: true,
    });
  });

  it.each([
    ["PARAMS:\n  LC8:\n    product: sr", "PARAMS:\n  LC8:\n    product: ndvi", /PARAMS\.LC8\.product/],
    ["      - B7\n", "      - B7\n      - B12\n", /PARAMS\.LC8\.bands\[6\]/],
    [
      "  console_level: DEBUG",
      "  console_level: LOUD",
      /LOGGING_CONFIG\.console_level: unknown level "LOUD"/,
    ],
    ["# RESOLUTION: 10", "RESOLUTION: -10", /RESOLUTION/],
    ["# CPU_CORES: 6", "CPU_CORES: 2.5", /CPU_CORES/],
    ["# RESOLUTION: 10", "RESOLUTON: 10", /RESOLUTON: is not a recognised field/],
    ["ROOT_DIR: /code", "ROOT_DIR: ''", /ROOT_DIR: must be a non-empty path/],
    ["# RESOLUTION: 10", "RESOLUTION: 0.5", /RESOLUTION: is finer than MIN_RESOLUTION \(1 m\)/],
    ["# RESOLUTION: 10", "MAX_OUTPUT_PIXELS: 0", /MAX_OUTPUT_PIXELS/],
  ])("names the bad key when %j becomes %j", (from, to, message) => {
    const text = from.startsWith("PARAMS:") ? withoutKey("PARAMS") + `\n${to}\n` : seedText.replace(from, to);
    expect(text).not.toBe(seedText);
    const file = writeConfig(text);
    expect(() => loadConfig(file, {})).toThrow(message);
  });

  it("reports a missing file, bad YAML and a non-mapping document", () => {
    expect(() => loadConfig(path.join(tmp, "nope.yaml"), {})).toThrow(/cannot read config file .*nope\.yaml/);
    expect(() => loadConfig(writeConfig("ROOT_DIR: [unclosed"), {})).toThrow(/is not valid YAML/);
    expect(() => loadConfig(writeConfig("- a list"), {})).toThrow(/must hold a mapping/);
  });

  it("resolves relative paths against the config file's folder", () => {
    const file = writeConfig(
      seedText
        .replace("ROOT_DIR: /code", "ROOT_DIR: .")
        .replace("IMAGERY_STORAGE: /code/miniostorage", "IMAGERY_STORAGE: storage"),
    );
    const config = loadConfig(file, {});
    expect(config.rootDir).toBe(tmp);
    expect(config.imageryStorage).toBe(path.join(tmp, "storage"));
    expect(config.workingDir).toBe(path.join(tmp, "workingdir"));
  });

  it("takes PORT from the environment over the file, and refuses a bad one", () => {
    expect(loadConfig(SEED_CONFIG, { PORT: "8123" }).port).toBe(8123);
    expect(() => loadConfig(SEED_CONFIG, { PORT: "eighty" })).toThrow(/PORT must be a port number/);
    expect(() => loadConfig(SEED_CONFIG, { PORT: "70000" })).toThrow(/PORT/);
  });
});

describe("configPathFrom", () => {
  it("takes --config, then AGRICARTA_CONFIG, then ./config.yaml", () => {
    expect(configPathFrom(["--config", "a.yaml"], { AGRICARTA_CONFIG: "b.yaml" })).toBe("a.yaml");
    expect(configPathFrom(["--config=c.yaml"], {})).toBe("c.yaml");
    expect(configPathFrom([], { AGRICARTA_CONFIG: "b.yaml" })).toBe("b.yaml");
    expect(configPathFrom([], {})).toBe("config.yaml");
    expect(() => configPathFrom(["--config"], {})).toThrow(/--config needs a file path/);
  });
});

describe("authentication settings", () => {
  it("are unset for the seed's config, so the server refuses to start until one is chosen", () => {
    expect(loadConfig(SEED_CONFIG, {}).auth).toEqual({ kind: "unset" });
  });

  it("take API_KEYS_FILE relative to the config file, and the environment variable over it", () => {
    const file = writeConfig(`${seedText}\nAPI_KEYS_FILE: secrets/keys.yaml\n`);
    expect(loadConfig(file, {}).auth).toEqual({
      kind: "api_keys",
      keysFile: path.join(tmp, "secrets/keys.yaml"),
    });
    expect(loadConfig(file, { API_KEYS_FILE: "/run/secrets/keys.yaml" }).auth).toEqual({
      kind: "api_keys",
      keysFile: "/run/secrets/keys.yaml",
    });
  });

  it("turn authentication off only with AUTH_DISABLED: true, and never together with a keys file", () => {
    expect(loadConfig(writeConfig(`${seedText}\nAUTH_DISABLED: true\n`), {}).auth).toEqual({
      kind: "disabled",
    });
    expect(() =>
      loadConfig(writeConfig(`${seedText}\nAUTH_DISABLED: true\nAPI_KEYS_FILE: k.yaml\n`), {}),
    ).toThrow(/AUTH_DISABLED: is true while API_KEYS_FILE is set/);
    expect(() =>
      loadConfig(writeConfig(`${seedText}\nAUTH_DISABLED: true\n`), { API_KEYS_FILE: "/k.yaml" }),
    ).toThrow(ConfigError);
    expect(() => loadConfig(writeConfig(`${seedText}\nAUTH_DISABLED: "yes"\n`), {})).toThrow(/AUTH_DISABLED/);
  });

  it("give MAX_QUEUED_JOBS and JOB_RETENTION defaults", () => {
    expect(loadConfig(SEED_CONFIG, {})).toMatchObject({ maxQueuedJobs: 1000, jobRetentionMs: 604_800_000 });
  });
});

describe("executor settings", () => {
  const kubernetes = (block: string) =>
    `${seedText}\nWORKING_DIR: /code/miniostorage/work\nEXECUTOR: kubernetes\nKUBERNETES:\n${block}`;
  const required =
    "  WORKER_IMAGE: agricarta:1\n  VOLUME_CLAIM: storage\n  VOLUME_MOUNT_PATH: /code/miniostorage\n";

  it("default to the local executor, as the seed's config has none", () => {
    expect(loadConfig(SEED_CONFIG, {}).executor).toEqual({ kind: "local" });
  });

  const inPod = { KUBERNETES_SERVICE_HOST: "10.96.0.1" };

  it("fill in the Kubernetes defaults around the required keys", () => {
    expect(loadConfig(writeConfig(kubernetes(required)), inPod).executor).toMatchObject({
      kind: "kubernetes",
      namespace: undefined,
      workerCommand: ["node", "/app/dist/worker/main.js"],
      imagePullPolicy: "IfNotPresent",
      memoryRequest: "1Gi",
      memoryLimit: "8Gi",
      ttlAfterFinishedSeconds: 3600,
    });
  });

  it("name the key that is missing or wrong", () => {
    expect(() => loadConfig(writeConfig(`${seedText}\nEXECUTOR: kubernetes\n`), {})).toThrow(
      /KUBERNETES: is required when EXECUTOR is kubernetes/,
    );
    expect(() => loadConfig(writeConfig(kubernetes("  WORKER_IMAGE: agricarta:1\n")), {})).toThrow(
      /KUBERNETES\.VOLUME_CLAIM.*KUBERNETES\.VOLUME_MOUNT_PATH/s,
    );
    expect(() =>
      loadConfig(writeConfig(kubernetes(`${required}  WORKER_MEMORY_LIMIT: lots\n`)), inPod),
    ).toThrow(/KUBERNETES\.WORKER_MEMORY_LIMIT: must be a Kubernetes memory quantity/);
    expect(() => loadConfig(writeConfig(kubernetes(`${required}  NAMESPACE: Not_A_Name\n`)), inPod)).toThrow(
      /KUBERNETES\.NAMESPACE/,
    );
    expect(() => loadConfig(writeConfig(`${seedText}\nEXECUTOR: slurm\n`), {})).toThrow(/EXECUTOR/);
  });

  it("need a kubeconfig outside a pod, where there is no in-cluster configuration", () => {
    expect(() => loadConfig(writeConfig(kubernetes(required)), {})).toThrow(
      /KUBERNETES\.KUBECONFIG: is required outside a Kubernetes pod \(KUBERNETES_SERVICE_HOST is not set/,
    );
    const withFile = kubernetes(`${required}  KUBECONFIG: kube/config\n`);
    expect(loadConfig(writeConfig(withFile), {}).executor).toMatchObject({
      kubeconfig: path.join(tmp, "kube", "config"),
    });
  });

  it("refuse directories that the worker pods would not see", () => {
    // The seed's WORKING_DIR (/code/workingdir) is outside the shared volume mounted at /code/miniostorage.
    const text = kubernetes(required).replace("WORKING_DIR: /code/miniostorage/work\n", "");
    expect(() => loadConfig(writeConfig(text), {})).toThrow(
      /WORKING_DIR: \/code\/workingdir is not under KUBERNETES\.VOLUME_MOUNT_PATH \(\/code\/miniostorage\)/,
    );
    expect(() =>
      loadConfig(
        writeConfig(kubernetes(required.replace("/code/miniostorage", "/code/miniostorage/work"))),
        {},
      ),
    ).toThrow(/IMAGERY_STORAGE: \/code\/miniostorage is not under/);
  });
});
