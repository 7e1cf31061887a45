import net from "node:net";
import os from "node:os";
import { z } from "zod";
import { LandsatParamsSchema } from "../imagery/landsat/landsat-params.js";
import { Radarsat2ParamsSchema } from "../imagery/radarsat2/radarsat2-params.js";
import { RcmParamsSchema } from "../imagery/rcm/rcm-params.js";
import { Sentinel2ParamsSchema } from "../imagery/sentinel2/sentinel2-params.js";
import { parseHttpUrl } from "../common/http-url.js";

// The shape of config.yaml. The seed's keys keep their meaning; new keys have safe defaults.

/** Python logging level names as the seed's LOGGING_CONFIG uses them, mapped onto pino's. */
const LOG_LEVELS = {
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warn",
  WARN: "warn",
  ERROR: "error",
  CRITICAL: "fatal",
  FATAL: "fatal",
} as const;

export type LogLevel = (typeof LOG_LEVELS)[keyof typeof LOG_LEVELS];

const LogLevelSchema = z.string().transform((name, ctx): LogLevel => {
  const level = LOG_LEVELS[name.toUpperCase() as keyof typeof LOG_LEVELS] as LogLevel | undefined;
  if (level === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `unknown level "${name}" (use one of ${Object.keys(LOG_LEVELS).join(", ")})`,
    });
    return z.NEVER;
  }
  return level;
});

const LoggingConfigSchema = z.looseObject({
  console_level: LogLevelSchema.default("info"),
  file_level: LogLevelSchema.default("debug"),
});

/** Each sensor declares its own block (imagery/<sensor>/*-params.ts). */
const ParamsSchema = z.looseObject({
  LC8: LandsatParamsSchema.prefault({}),
  S2: Sentinel2ParamsSchema.prefault({}),
  RS2: Radarsat2ParamsSchema.prefault({}),
  RCM: RcmParamsSchema.prefault({}),
});

const path = z.string().trim().min(1, "must be a non-empty path");
const positiveInt = z.number().int().positive();

/** A Kubernetes resource quantity such as 512Mi, 8Gi or 2G. */
const memoryQuantity = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, "must be a Kubernetes memory quantity such as 8Gi");

/** EXECUTOR: kubernetes runs each job as a batch/v1 Job in the cluster, from the same image. */
const KubernetesSchema = z.strictObject({
  /** Where the worker Jobs are created; default: the API pod's own namespace (else "default"). */
  NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a Kubernetes namespace name")
    .max(63)
    .optional(),
  /** A kubeconfig file, for development outside a cluster; in-cluster configuration otherwise. */
  KUBECONFIG: path.optional(),
  /** The image the worker Jobs run: the API's own image. */
  WORKER_IMAGE: z.string().trim().min(1, "must name the service's image, e.g. registry/agricarta:1.0.0"),
  WORKER_IMAGE_PULL_POLICY: z.enum(["Always", "IfNotPresent", "Never"]).default("IfNotPresent"),
  /** The worker entry point inside the image; the job directory is appended. */
  WORKER_COMMAND: z.array(z.string().min(1)).min(1).default(["node", "/app/dist/worker/main.js"]),
  /** The ReadWriteMany claim holding IMAGERY_STORAGE and WORKING_DIR, mounted by the API and every worker. */
  VOLUME_CLAIM: z
    .string()
    .regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, "must be a PersistentVolumeClaim name")
    .max(253),
  /** Where that claim is mounted, the same in the API pod and the worker pods. */
  VOLUME_MOUNT_PATH: z.string().regex(/^\/./, "must be an absolute path such as /data"),
  WORKER_MEMORY_REQUEST: memoryQuantity.default("1Gi"),
  /** A worker over this is OOM-killed, and its job failed with that reason. */
  WORKER_MEMORY_LIMIT: memoryQuantity.default("8Gi"),
  /** The worker pods' service account; they need no API access, so none is mounted into them. */
  WORKER_SERVICE_ACCOUNT: z.string().min(1).optional(),
  /** Seconds a finished worker Job (and its pod and log) is kept by the cluster before it is removed. */
  TTL_AFTER_FINISHED: z.number().int().min(0).default(3600),
});
export type RawKubernetesConfig = z.infer<typeof KubernetesSchema>;

/** An http(s) URL without user info or query, written in canonical form (see parseHttpUrl). */
const httpUrl = z.string().transform((text, ctx) => {
  const parsed = parseHttpUrl(text, { query: false });
  if ("url" in parsed) return parsed.url.href;
  ctx.addIssue({ code: "custom", message: parsed.problem });
  return z.NEVER;
});

/** A TRUST_PROXY entry: a name Express knows, an IP address or a subnet (10.0.0.0/8). */
const proxyAddress = z.string().refine(
  (text) => {
    const [address = "", bits, ...rest] = text.split("/");
    const family = net.isIP(address);
    if (["loopback", "linklocal", "uniquelocal"].includes(text)) return true;
    return family !== 0 && rest.length === 0 && (bits === undefined || /^\d{1,3}$/.test(bits));
  },
  { message: "must be loopback, linklocal, uniquelocal, an IP address or a subnet such as 10.0.0.0/8" },
);

export const ConfigSchema = z
  .strictObject({
    // The seed's required keys.
    ROOT_DIR: path,
    IMAGERY_STORAGE: path,
    DEPENDENCIES_DIR: path,
    SRTM_DIR: path,
    LOGGING_CONFIG: LoggingConfigSchema,
    PROJECTION: z.string().trim().min(1, "must be a PROJ string, WKT or EPSG:n"),
    PARAMS: ParamsSchema,
    // The seed's optional keys.
    WORKING_DIR: path.optional(),
    RESOLUTION: z.number().positive().max(10_000).default(30),
    CPU_CORES: positiveInt.max(1024).default(os.availableParallelism()),
    LOGGING_DIR: path.optional(),
    DELETE_INTERMEDIATE: z.boolean().default(false),
    // Keys added by this service.
    PORT: z.number().int().min(0).max(65_535).default(5000),
    MAX_CONCURRENT_JOBS: positiveInt.default(os.availableParallelism()),
    MAX_SCENES_PER_JOB: positiveInt.max(10_000).default(100),
    /** The finest grid a job may ask for, in metres: a tenth of Sentinel-2's 10 m, the finest sensor's pixel. */
    MIN_RESOLUTION: z.number().positive().max(10_000).default(1),
    /**
     * Most pixels one output band may have (width x height on the job grid); a scene above it fails before any
     * pixel is written, and a request sure to exceed it is refused. The default allows a whole Landsat scene at
     * 10 m (about 0.7e9 pixels in its bounding box) and keeps one band under about 4 GB of Float32.
     */
    MAX_OUTPUT_PIXELS: positiveInt.default(1_000_000_000),
    HEARTBEAT_INTERVAL: z.number().positive().default(5),
    HEARTBEAT_TIMEOUT: z.number().positive().default(60),
    STAGING: z.enum(["copy", "in_place"]).default("copy"),
    /**
     * Most workers one job runs at once, one task (scene) each: pods with the Kubernetes executor (each asking for
     * the job's cores); processes with the local one, where the job's cores are shared among them (at most
     * `cores` processes). Default: 10 pods; locally, see LOCAL_POOL_DEFAULT in src/config/config.ts.
     */
    MAX_PARALLEL_SCENES: positiveInt.max(1000).optional(),
    /** Times a task whose worker died before it could finish (OOM kill, eviction, node lost, deadline) is run again. */
    SCENE_RETRIES: z.number().int().min(0).max(10).default(1),
    /**
     * Two or more API replicas (Kubernetes executor only): they elect a leader on a coordination.k8s.io/v1 Lease;
     * only the leader runs the queue and the workers, every replica answers and accepts jobs.
     */
    LEADER_ELECTION: z
      .strictObject({
        LEASE_NAME: z
          .string()
          .regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, "must be a Kubernetes object name")
          .max(253)
          .default("agricarta-preprocessing-leader"),
        /** Seconds a leader that stops renewing keeps the lease; another replica takes over after it. */
        LEASE_DURATION: z.number().int().min(2).max(600).default(15),
        /** Seconds between the leader's renewals (and the others' attempts to acquire); under LEASE_DURATION. */
        RENEW_PERIOD: z.number().positive().max(300).default(5),
      })
      .optional(),
    /** Seconds one worker (one task's attempt: a scene) may run before it is stopped; its scene is retried. */
    JOB_TIMEOUT: z
      .number()
      .positive()
      .default(6 * 3600),
    /** Most jobs waiting to start; a submission beyond it is answered 429 with Retry-After. */
    MAX_QUEUED_JOBS: positiveInt.default(1000),
    /** Most jobs one owner may have waiting (429 beyond it); default a quarter of MAX_QUEUED_JOBS, at least 1. */
    MAX_QUEUED_JOBS_PER_OWNER: positiveInt.optional(),
    /**
     * Seconds a finished job's working directory is kept (status, log, outputs' working copy); then it is
     * removed. Published results are not touched (see RESULTS_RETENTION). Default 7 days.
     */
    JOB_RETENTION: z
      .number()
      .positive()
      .default(7 * 24 * 3600),
    /**
     * Seconds a finished job's published results are kept; then the retention sweep removes them. Unset (the
     * default): published results are never removed by the service.
     */
    RESULTS_RETENTION: z.number().positive().optional(),
    /** The bearer API keys file (hashed keys; mount it from a Secret). The API_KEYS_FILE variable wins. */
    API_KEYS_FILE: path.optional(),
    /** true turns authentication off (development and demos only); the server warns at start-up. */
    AUTH_DISABLED: z.boolean().default(false),
    /** Where the OGC API - Processes facade is served. */
    OGC_API_BASE_PATH: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$/, "must be a path like /ogcapi (no trailing slash)")
      .refine((p) => !p.startsWith("/agricarta/preprocessing"), "must not be under /agricarta/preprocessing")
      .default("/ogcapi"),
    /** URL prefixes OGC subscriber callbacks may go to (e.g. https://hooks.example.org/); none by default. */
    SUBSCRIBER_URL_PREFIXES: z.array(httpUrl).default([]),
    /** The base URL clients use (https://agricarta.example.org): every absolute link is built on it. */
    PUBLIC_URL: httpUrl.transform((url) => url.replace(/\/$/, "")).optional(),
    /** Express's "trust proxy": which peers' X-Forwarded-Proto/Host links may follow (without PUBLIC_URL). */
    TRUST_PROXY: z
      .union([
        z.boolean(),
        z.number().int().min(1),
        proxyAddress.transform((address) => [address]),
        z.array(proxyAddress).min(1),
      ])
      .default(false),
    /** api_key: /metrics needs an API key, as the job endpoints do; open: anyone may read it. */
    METRICS_AUTH: z.enum(["api_key", "open"]).default("api_key"),
    /** local: a detached process per job on this machine; kubernetes: a batch/v1 Job per job (KUBERNETES). */
    EXECUTOR: z.enum(["local", "kubernetes"]).default("local"),
    KUBERNETES: KubernetesSchema.optional(),
  })
  .superRefine((config, ctx) => {
    if (config.LEADER_ELECTION !== undefined && config.EXECUTOR !== "kubernetes") {
      ctx.addIssue({
        code: "custom",
        path: ["LEADER_ELECTION"],
        message:
          "needs EXECUTOR kubernetes: the local executor runs its workers inside one API process, so it runs one replica",
      });
    }
    if (
      config.LEADER_ELECTION !== undefined &&
      config.LEADER_ELECTION.RENEW_PERIOD >= config.LEADER_ELECTION.LEASE_DURATION
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["LEADER_ELECTION", "RENEW_PERIOD"],
        message: "must be shorter than LEASE_DURATION",
      });
    }
    if (config.EXECUTOR === "kubernetes" && config.KUBERNETES === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["KUBERNETES"],
        message: "is required when EXECUTOR is kubernetes",
      });
    }
  });

/** config.yaml as written, before paths are resolved. */
export type RawConfig = z.infer<typeof ConfigSchema>;
