import path from "node:path";
import { z } from "zod";
import { readYamlFile } from "../common/yaml-file.js";
import { ConfigSchema } from "./config-schema.js";
import { resolveConfig, type Config } from "./config.js";

/** A config that cannot be used; the message names the file and every bad key. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const PortSchema = z.coerce.number().int().min(0).max(65_535);

/** Reads, parses and validates config.yaml once; the result is frozen. */
export function loadConfig(configPath: string, env: Readonly<Record<string, string | undefined>>): Config {
  const raw = readYamlFile(
    configPath,
    ConfigSchema,
    { name: "config file", invalid: "invalid config", error: ConfigError },
    (document) =>
      document === null || typeof document !== "object" || Array.isArray(document)
        ? "must hold a mapping of keys (ROOT_DIR, PARAMS, ...)"
        : undefined,
  );
  if (raw.RESOLUTION < raw.MIN_RESOLUTION) {
    throw new ConfigError(
      `invalid config ${configPath}: RESOLUTION: is finer than MIN_RESOLUTION (${raw.MIN_RESOLUTION} m)`,
    );
  }
  let port: string | undefined;
  if (env["PORT"] !== undefined && env["PORT"] !== "") {
    const checked = PortSchema.safeParse(env["PORT"]);
    if (!checked.success) throw new ConfigError(`environment variable PORT must be a port number 0-65535`);
    port = String(checked.data);
  }
  const keysFile = env["API_KEYS_FILE"] === "" ? undefined : env["API_KEYS_FILE"];
  if (raw.AUTH_DISABLED && (raw.API_KEYS_FILE ?? keysFile) !== undefined) {
    throw new ConfigError(
      `invalid config ${configPath}: AUTH_DISABLED: is true while API_KEYS_FILE is set; choose one`,
    );
  }
  const config = resolveConfig(raw, configPath, { PORT: port, API_KEYS_FILE: keysFile });
  const outside = pathsOutsideSharedVolume(config);
  if (outside !== undefined) throw new ConfigError(`invalid config ${configPath}: ${outside}`);
  if (
    config.executor.kind === "kubernetes" &&
    config.executor.kubeconfig === undefined &&
    !env["KUBERNETES_SERVICE_HOST"]
  ) {
    // In-cluster configuration comes from the pod's environment; outside a pod there is none to use.
    throw new ConfigError(
      `invalid config ${configPath}: KUBERNETES.KUBECONFIG: is required outside a Kubernetes pod ` +
        `(KUBERNETES_SERVICE_HOST is not set, so there is no in-cluster configuration)`,
    );
  }
  return config;
}

/**
 * A worker pod sees only the shared volume, mounted where the API has it: the directories it reads and writes
 * must lie under KUBERNETES.VOLUME_MOUNT_PATH.
 */
function pathsOutsideSharedVolume(config: Config): string | undefined {
  if (config.executor.kind !== "kubernetes") return undefined;
  const mount = config.executor.volumeMountPath;
  const inside = (dir: string): boolean => dir === mount || dir.startsWith(`${mount}${path.sep}`);
  const keys = [
    ["IMAGERY_STORAGE", config.imageryStorage],
    ["WORKING_DIR", config.workingDir],
  ] as const;
  const bad = keys.filter(([, dir]) => !inside(dir));
  if (bad.length === 0) return undefined;
  return bad
    .map(
      ([key, dir]) =>
        `${key}: ${dir} is not under KUBERNETES.VOLUME_MOUNT_PATH (${mount}), which workers mount`,
    )
    .join("; ");
}

/** `--config FILE` or `--config=FILE`, else AGRICARTA_CONFIG, else ./config.yaml. */
export function configPathFrom(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--config") {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new ConfigError("--config needs a file path");
      return value;
    }
    if (arg?.startsWith("--config=")) return arg.slice("--config=".length);
  }
  return env["AGRICARTA_CONFIG"] ?? "config.yaml";
}
