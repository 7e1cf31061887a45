import { KubeConfig } from "@kubernetes/client-node";
import type { Config, KubernetesExecutorConfig } from "../config/config.js";
import type { Logger } from "../logging/create-logger.js";
import type { Executor } from "./executor.js";
import { KubernetesExecutor } from "./kubernetes/kubernetes-executor.js";
import { LocalExecutor } from "./local-executor.js";

// The executor the config names: the local one by default, or Kubernetes Jobs (in-cluster configuration, or
// a kubeconfig file for development).

export async function createExecutor(config: Config, workerEntry: string, logger: Logger): Promise<Executor> {
  const settings = config.executor;
  if (settings.kind === "local") return new LocalExecutor({ workerEntry });
  const kubeConfig = loadKubeConfig(settings);
  const namespace = namespaceOf(settings, kubeConfig);
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

/** The in-cluster configuration (the pod's ServiceAccount), or the kubeconfig file the config names. */
export function loadKubeConfig(settings: KubernetesExecutorConfig): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (settings.kubeconfig === undefined) kubeConfig.loadFromCluster();
  else kubeConfig.loadFromFile(settings.kubeconfig);
  return kubeConfig;
}

/** KUBERNETES.NAMESPACE, else the kubeconfig context's namespace, else "default". */
export function namespaceOf(settings: KubernetesExecutorConfig, kubeConfig: KubeConfig): string {
  return (
    settings.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? "default"
  );
}
