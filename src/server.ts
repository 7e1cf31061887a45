import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Authentication } from "./api/authentication.js";
import { createReadinessCheck } from "./api/readiness.js";
import { ApiKeysError, loadApiKeys } from "./auth/api-keys.js";
import type { Config } from "./config/config.js";
import { ConfigError, configPathFrom, loadConfig } from "./config/load-config.js";
import { errorMessage } from "./common/errors.js";
import { createService } from "./create-service.js";
import { createExecutor } from "./executors/create-executor.js";
import { createLeaderLease } from "./executors/create-leader-lease.js";
import { WorkingDirLease } from "./jobs/working-dir-lease.js";
import { probeWorker } from "./executors/probe-worker.js";
import type { Logger } from "./logging/create-logger.js";
import { createLogger } from "./logging/create-logger.js";

// API server entry point: `node dist/server.js --config config.yaml`. It only wires the parts together.

const WORKER_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "worker", "main.js");
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig(configPathFrom(process.argv.slice(2), process.env), process.env);
  const logger = createLogger({
    name: "api",
    consoleLevel: config.logging.consoleLevel,
    file:
      config.loggingDir === undefined
        ? undefined
        : { dir: config.loggingDir, level: config.logging.fileLevel },
  });

  const authentication = authenticationFrom(config, logger);

  const probe = await probeWorker(WORKER_ENTRY, config.projection).catch((error: unknown) => {
    logger.error({ err: error }, "workers cannot load GDAL; the service will report not ready");
    return undefined;
  });
  if (probe?.projection?.ok === false) {
    throw new ConfigError(`invalid config ${config.configPath}: PROJECTION: ${probe.projection.detail}`);
  }

  await fs.mkdir(config.workingDir, { recursive: true });
  const executor = await createExecutor(config, WORKER_ENTRY, logger.child({ component: "executor" }));
  const { jobs, app } = createService({
    config,
    logger,
    executor,
    authentication,
    checkReadiness: createReadinessCheck({
      workingDir: config.workingDir,
      imageryStorage: config.imageryStorage,
      probeGdal: async () => (await probeWorker(WORKER_ENTRY)).gdal,
    }),
  });
  // One process leads: it runs the queue and the workers (see leadOn below).
  const lead = leadOn(config, logger);
  lead.start(() => {
    logger.info("leading: running the job queue and the workers");
    jobs.start().catch((error: unknown) => {
      logger.fatal({ err: error }, "could not start leading");
      process.exit(1);
    });
  });

  const server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : config.port;
    logger.info({ port, workingDir: config.workingDir, gdal: probe?.gdal }, "listening");
  });
  server.on("error", (error) => {
    logger.fatal({ err: error }, "server error");
    process.exit(1);
  });

  // Stop accepting, let requests in flight finish, and leave workers running: they belong to their jobs.
  const shutdown = (signal: string): void => {
    logger.info({ signal }, "shutting down");
    jobs.stop();
    // A leader hands the lease over at once rather than making the others wait out its duration.
    void lead.stop();
    void executor.close();
    server.close(() => {
      logger.flush();
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

/**
 * How this process comes to lead. With LEADER_ELECTION, on the Lease (replicas of the Kubernetes executor);
 * a leader that loses it exits at once, so that never two run the queue, and Kubernetes restarts it as a
 * follower. Otherwise (one replica) on a file in the working directory, which says so when a second process
 * runs the local executor on the same directory.
 */
function leadOn(config: Config, logger: Logger): { start(onLead: () => void): void; stop(): Promise<void> } {
  const leaderElection = config.leaderElection;
  if (leaderElection !== undefined && config.executor.kind === "kubernetes") {
    const lease = createLeaderLease(
      { ...config, leaderElection, executor: config.executor },
      logger.child({ component: "lease" }),
    );
    logger.info({ lease: leaderElection.leaseName }, "answering requests; leading when the lease is ours");
    return {
      start: (onLead) =>
        lease.start({
          onStartedLeading: onLead,
          onStoppedLeading: () => {
            logger.fatal("lost the leader lease; exiting so that only the new leader runs jobs");
            logger.flush();
            process.exit(1);
          },
        }),
      // A leader hands the lease over at once rather than making the others wait out its duration.
      stop: () => lease.stop(),
    };
  }
  const claim = new WorkingDirLease({
    workingDir: config.workingDir,
    logger: logger.child({ component: "lease" }),
  });
  return {
    start: (onLead) => {
      claim.start(onLead).catch((error: unknown) => {
        logger.fatal({ err: error }, "could not claim the working directory");
        process.exit(1);
      });
    },
    stop: () => claim.stop(),
  };
}

/** API keys from their file, or authentication off when the config says so explicitly; never by omission. */
function authenticationFrom(config: Config, logger: Logger): Authentication {
  switch (config.auth.kind) {
    case "disabled":
      logger.warn("AUTH_DISABLED is true: every client may submit, see and cancel every job");
      return { kind: "disabled" };
    case "api_keys": {
      const keys = loadApiKeys(config.auth.keysFile);
      logger.info({ keysFile: config.auth.keysFile, keys: keys.size }, "API keys loaded");
      return { kind: "api_keys", keys };
    }
    case "unset":
      throw new ConfigError(
        `invalid config ${config.configPath}: API_KEYS_FILE: is required (or the API_KEYS_FILE environment ` +
          `variable); set AUTH_DISABLED: true to run without authentication`,
      );
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof ApiKeysError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : errorMessage(error);
  process.stderr.write(`agricarta: ${message}\n`);
  process.exit(1);
});
