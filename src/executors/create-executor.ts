import { KubeConfig } from "@kubernetes/client-node";
import type { Config } from "../config/config.js";
import type { Logger } from "../logging/create-logger.js";
import type { Executor } from "./executor.js";
import { KubernetesExecutor } from "./kubernetes/kubernetes-executor.js";
import { LocalExecutor } from "./local-executor.js";

// The executor the config names: the local one by default, or Kubernetes Jobs (in-cluster configuration, or
// a kubeconfig file for development).

export async function createExecutor(config: Config, workerEntry: string, logger: Logger): Promise<Executor> {
  const settings = config.executor;
  if (settings.kind === "local") return new LocalExecutor({ workerEntry });
  const kubeConfig = new KubeConfig();
  if (settings.kubeconfig === undefined) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromFile(settings.kubeconfig);
  const namespace =
    settings.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? "default";
  const executor = await KubernetesExecutor.connect({
    kubeConfig,
    namespace,
    kubernetes: settings,
    activeDeadlineSeconds: Math.ceil(config.jobTimeoutMs / 1000),
    logger,
  });
  logger.info({ namespace, image: settings.workerImage }, "running workers as Kubernetes Jobs");
  return executor;
}
