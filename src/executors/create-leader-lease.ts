import os from "node:os";
import type { Config, KubernetesExecutorConfig, LeaderElectionConfig } from "../config/config.js";
import type { Logger } from "../logging/create-logger.js";
import { loadKubeConfig, namespaceOf } from "./create-executor.js";
import { LeaderLease } from "./kubernetes/leader-lease.js";

// The Lease the API replicas elect their leader on (LEADER_ELECTION), in the namespace of the worker Jobs and
// with the executor's credentials. Each replica's identity is its pod's name (POD_NAME, from the downward API),
// else this host's name and process id.

export function createLeaderLease(
  config: Config & {
    readonly leaderElection: LeaderElectionConfig;
    readonly executor: KubernetesExecutorConfig;
  },
  logger: Logger,
  env: { readonly POD_NAME?: string | undefined } = process.env,
): LeaderLease {
  const kubeConfig = loadKubeConfig(config.executor);
  const { leaseName, leaseDurationMs, renewPeriodMs } = config.leaderElection;
  return new LeaderLease({
    kubeConfig,
    namespace: namespaceOf(config.executor, kubeConfig),
    name: leaseName,
    identity: env.POD_NAME || `${os.hostname()}-${process.pid}`,
    leaseDurationMs,
    renewPeriodMs,
    logger,
  });
}
