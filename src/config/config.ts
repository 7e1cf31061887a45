import path from "node:path";
import type { SensorName, SensorParams } from "../imagery/sensor-name.js";
import type { LogLevel, RawConfig, RawKubernetesConfig } from "./config-schema.js";

// The service's resolved configuration: absolute paths, defaults filled in, frozen.

export interface Config {
  readonly configPath: string;
  readonly rootDir: string;
  readonly imageryStorage: string;
  readonly dependenciesDir: string;
  readonly srtmDir: string;
  readonly workingDir: string;
  readonly loggingDir: string | undefined;
  readonly logging: { readonly consoleLevel: LogLevel; readonly fileLevel: LogLevel };
  readonly projection: string;
  /** Each sensor's PARAMS block, resolved. */
  readonly sensors: Readonly<Record<SensorName, SensorParams>>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly resolution: number;
  readonly cpuCores: number;
  readonly deleteIntermediate: boolean;
  readonly port: number;
  readonly maxConcurrentJobs: number;
  readonly maxScenesPerJob: number;
  readonly minResolution: number;
  readonly maxOutputPixels: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  /** copy: stage each scene into the job (copy + tar.gz, as the seed); in_place: read it where it lies. */
  readonly staging: "copy" | "in_place";
  /** How long one worker (one task's attempt) may run. */
  readonly jobTimeoutMs: number;
  /** Most workers (tasks) of one job at once: pods, or local processes sharing the job's cores. */
  readonly maxParallelScenes: number;
  /** Reruns of a task whose worker died before finishing it. */
  readonly sceneRetries: number;
  /** Set when several API replicas elect a leader on a Lease (Kubernetes executor only). */
  readonly leaderElection: LeaderElectionConfig | undefined;
  readonly maxQueuedJobs: number;
  /** MAX_QUEUED_JOBS_PER_OWNER, its default resolved. */
  readonly maxQueuedJobsPerOwner: number;
  readonly jobRetentionMs: number;
  /** RESULTS_RETENTION; undefined: published results are kept for ever. */
  readonly resultsRetentionMs: number | undefined;
  readonly ogcApiBasePath: string;
  readonly subscriberUrlPrefixes: readonly string[];
  /** The base URL of every absolute link (no trailing slash); unset: see src/api/links/base-url.ts. */
  readonly publicUrl: string | undefined;
  /** Express's "trust proxy" setting. */
  readonly trustProxy: boolean | number | readonly string[];
  readonly metricsAuth: "api_key" | "open";
  /** Where workers run: a local process per job, or a Kubernetes Job per job. */
  readonly executor: { readonly kind: "local" } | KubernetesExecutorConfig;
  /** unset: neither a keys file nor AUTH_DISABLED; the server refuses to start (see src/server.ts). */
  readonly auth:
    | { readonly kind: "api_keys"; readonly keysFile: string }
    | { readonly kind: "disabled" }
    | { readonly kind: "unset" };
}

export interface LeaderElectionConfig {
  readonly leaseName: string;
  readonly leaseDurationMs: number;
  readonly renewPeriodMs: number;
}

/** Scene pods of one job at once on Kubernetes, unless MAX_PARALLEL_SCENES says otherwise. */
export const KUBERNETES_PARALLEL_DEFAULT = 10;
/**
 * Local worker processes of one job at once (each with its share of the job's cores), unless MAX_PARALLEL_SCENES
 * says otherwise: decided by `./dev bench pool` (see docs/deployment.md).
 */
export const LOCAL_POOL_DEFAULT = 2;

export interface KubernetesExecutorConfig {
  readonly kind: "kubernetes";
  readonly namespace: string | undefined;
  readonly kubeconfig: string | undefined;
  readonly workerImage: string;
  readonly imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  readonly workerCommand: readonly string[];
  readonly volumeClaim: string;
  readonly volumeMountPath: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
  readonly serviceAccount: string | undefined;
  readonly ttlAfterFinishedSeconds: number;
}

/** Resolves relative paths against the config file's folder, so a config can travel with its data. */
export function resolveConfig(
  raw: RawConfig,
  configPath: string,
  env: { PORT?: string | undefined; API_KEYS_FILE?: string | undefined },
): Config {
  const base = path.dirname(path.resolve(configPath));
  const abs = (p: string): string => path.resolve(base, p);
  const rootDir = abs(raw.ROOT_DIR);
  const config: Config = {
    configPath: path.resolve(configPath),
    rootDir,
    imageryStorage: abs(raw.IMAGERY_STORAGE),
    dependenciesDir: abs(raw.DEPENDENCIES_DIR),
    srtmDir: abs(raw.SRTM_DIR),
    // The seed's default working directory: ROOT_DIR/workingdir.
    workingDir: raw.WORKING_DIR === undefined ? path.join(rootDir, "workingdir") : abs(raw.WORKING_DIR),
    loggingDir: raw.LOGGING_DIR === undefined ? undefined : abs(raw.LOGGING_DIR),
    logging: {
      consoleLevel: raw.LOGGING_CONFIG.console_level,
      fileLevel: raw.LOGGING_CONFIG.file_level,
    },
    projection: raw.PROJECTION,
    sensors: {
      LC8: sensorParams(raw.PARAMS.LC8),
      S2: sensorParams(raw.PARAMS.S2),
      RS2: radarParams(raw.PARAMS.RS2),
      RCM: radarParams(raw.PARAMS.RCM),
    },
    params: Object.freeze({ ...raw.PARAMS }),
    resolution: raw.RESOLUTION,
    cpuCores: raw.CPU_CORES,
    deleteIntermediate: raw.DELETE_INTERMEDIATE,
    port: env.PORT === undefined ? raw.PORT : Number(env.PORT),
    maxConcurrentJobs: raw.MAX_CONCURRENT_JOBS,
    maxScenesPerJob: raw.MAX_SCENES_PER_JOB,
    minResolution: raw.MIN_RESOLUTION,
    maxOutputPixels: raw.MAX_OUTPUT_PIXELS,
    heartbeatIntervalMs: raw.HEARTBEAT_INTERVAL * 1000,
    heartbeatTimeoutMs: raw.HEARTBEAT_TIMEOUT * 1000,
    staging: raw.STAGING,
    jobTimeoutMs: raw.JOB_TIMEOUT * 1000,
    maxParallelScenes:
      raw.MAX_PARALLEL_SCENES ??
      (raw.EXECUTOR === "kubernetes" ? KUBERNETES_PARALLEL_DEFAULT : LOCAL_POOL_DEFAULT),
    sceneRetries: raw.SCENE_RETRIES,
    leaderElection:
      raw.LEADER_ELECTION === undefined
        ? undefined
        : {
            leaseName: raw.LEADER_ELECTION.LEASE_NAME,
            leaseDurationMs: raw.LEADER_ELECTION.LEASE_DURATION * 1000,
            renewPeriodMs: raw.LEADER_ELECTION.RENEW_PERIOD * 1000,
          },
    maxQueuedJobs: raw.MAX_QUEUED_JOBS,
    maxQueuedJobsPerOwner: raw.MAX_QUEUED_JOBS_PER_OWNER ?? Math.max(1, Math.ceil(raw.MAX_QUEUED_JOBS / 4)),
    jobRetentionMs: raw.JOB_RETENTION * 1000,
    resultsRetentionMs: raw.RESULTS_RETENTION === undefined ? undefined : raw.RESULTS_RETENTION * 1000,
    auth: resolveAuth(raw, env.API_KEYS_FILE, abs),
    ogcApiBasePath: raw.OGC_API_BASE_PATH,
    subscriberUrlPrefixes: [...raw.SUBSCRIBER_URL_PREFIXES],
    publicUrl: raw.PUBLIC_URL,
    trustProxy: Array.isArray(raw.TRUST_PROXY) ? [...raw.TRUST_PROXY] : raw.TRUST_PROXY,
    metricsAuth: raw.METRICS_AUTH,
    executor:
      raw.EXECUTOR === "kubernetes" && raw.KUBERNETES !== undefined
        ? resolveKubernetes(raw.KUBERNETES, abs)
        : { kind: "local" },
  };
  return deepFreeze(config);
}

function resolveKubernetes(raw: RawKubernetesConfig, abs: (p: string) => string): KubernetesExecutorConfig {
  return {
    kind: "kubernetes",
    namespace: raw.NAMESPACE,
    kubeconfig: raw.KUBECONFIG === undefined ? undefined : abs(raw.KUBECONFIG),
    workerImage: raw.WORKER_IMAGE,
    imagePullPolicy: raw.WORKER_IMAGE_PULL_POLICY,
    workerCommand: [...raw.WORKER_COMMAND],
    volumeClaim: raw.VOLUME_CLAIM,
    volumeMountPath: path.resolve(raw.VOLUME_MOUNT_PATH),
    memoryRequest: raw.WORKER_MEMORY_REQUEST,
    memoryLimit: raw.WORKER_MEMORY_LIMIT,
    serviceAccount: raw.WORKER_SERVICE_ACCOUNT,
    ttlAfterFinishedSeconds: raw.TTL_AFTER_FINISHED,
  };
}

function resolveAuth(
  raw: RawConfig,
  keysFileFromEnv: string | undefined,
  abs: (p: string) => string,
): Config["auth"] {
  if (raw.AUTH_DISABLED) return { kind: "disabled" };
  if (keysFileFromEnv !== undefined) return { kind: "api_keys", keysFile: path.resolve(keysFileFromEnv) };
  if (raw.API_KEYS_FILE !== undefined) return { kind: "api_keys", keysFile: abs(raw.API_KEYS_FILE) };
  return { kind: "unset" };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A radar sensor's PARAMS block: its calibration is its product; filter, units, modes and noise removal. */
function radarParams(block: RawConfig["PARAMS"]["RS2"] | RawConfig["PARAMS"]["RCM"]): SensorParams {
  return {
    ...sensorParams({ ...block, product: block.calibration }),
    radar: {
      calibration: block.calibration,
      filter: block.filter,
      window: block.window,
      units: block.units,
      modes: block.modes && [...block.modes],
      noiseRemoval: "noise_removal" in block ? block.noise_removal : undefined,
    },
  };
}

function sensorParams(block: {
  bands: readonly string[];
  product?: SensorParams["product"];
  resamp_clip: boolean;
}): SensorParams {
  return { bands: [...block.bands], product: block.product, resampClip: block.resamp_clip };
}
