import fs from "node:fs/promises";
import path from "node:path";
import { BatchV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { execa } from "execa";
import { waitFor } from "../../helpers/alive.js";
import { BUILT_WORKER, REPO } from "../../helpers/paths.js";
import { KUBECTL, kubeconfigYaml, type ControlPlane } from "./control-plane.js";

// Clients for the test control plane: kubectl as the admin, API clients as any token.

export const EXECUTOR_SERVICE_ACCOUNT = "agricarta-executor";

export async function kubectl(plane: ControlPlane, args: readonly string[]): Promise<string> {
  const result = await execa(KUBECTL, ["--kubeconfig", plane.adminKubeconfig, ...args], { reject: false });
  if (result.exitCode !== 0) {
    throw new Error(
      `kubectl ${args.join(" ")} failed (${result.exitCode}): ${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

export function kubeConfigFor(plane: ControlPlane, token: string, namespace: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromString(kubeconfigYaml(plane.server, token, namespace));
  return config;
}

export function apis(config: KubeConfig): { batch: BatchV1Api; core: CoreV1Api } {
  return { batch: config.makeApiClient(BatchV1Api), core: config.makeApiClient(CoreV1Api) };
}

/** The namespace k8s/ deploys into. */
export const NAMESPACE = "agricarta";

/**
 * Applies k8s/overlays/kubernetes as a deployment would, and returns a kubeconfig (object and file) that
 * authenticates as its executor ServiceAccount, with that account's own token, as the API pod would.
 */
export async function deployExecutorOverlay(
  plane: ControlPlane,
): Promise<{ config: KubeConfig; kubeconfigFile: string }> {
  await kubectl(plane, ["apply", "-f", path.join(REPO, "k8s", "base", "namespace.yaml")]);
  await kubectl(plane, ["apply", "-k", path.join(REPO, "k8s", "overlays", "kubernetes")]);
  const admin = apis(kubeConfigFor(plane, plane.adminToken, NAMESPACE)).core;
  // The controller manager creates each namespace's default ServiceAccount (pods need it) and the tokens.
  const token = await eventually(async () => {
    await admin.readNamespacedServiceAccount({ name: "default", namespace: NAMESPACE });
    const account = await admin.readNamespacedServiceAccount({
      name: EXECUTOR_SERVICE_ACCOUNT,
      namespace: NAMESPACE,
    });
    const secretName = account.secrets?.[0]?.name;
    if (secretName === undefined) return undefined;
    const secret = await admin.readNamespacedSecret({ name: secretName, namespace: NAMESPACE });
    const encoded = secret.data?.["token"];
    return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
  }, `a token for ${NAMESPACE}/${EXECUTOR_SERVICE_ACCOUNT}`);
  const kubeconfigFile = path.join(plane.dir, "executor.kubeconfig");
  await fs.writeFile(kubeconfigFile, kubeconfigYaml(plane.server, token, NAMESPACE));
  return { config: kubeConfigFor(plane, token, NAMESPACE), kubeconfigFile };
}

/** waitFor, where an error from the check counts as not yet; the last one is reported on time-out. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  let last: unknown;
  const attempt = async (): Promise<T | undefined> => {
    try {
      return await check();
    } catch (error) {
      last = error;
      return undefined;
    }
  };
  try {
    return await waitFor(attempt, what, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}${last instanceof Error ? `: ${last.message}` : ""}`, {
      cause: error,
    });
  }
}

/**
 * Points a sandbox's config at the test cluster: workers as Jobs in NAMESPACE, created with the given kubeconfig.
 * The worker pods mount the claim where the API has it (the sandbox root), and their command is the built
 * worker, which the stand-in kubelet runs here.
 */
export async function useKubernetesExecutor(
  sandbox: { readonly root: string; readonly configPath: string },
  kubeconfigFile: string,
): Promise<void> {
  const kubernetes = {
    NAMESPACE,
    KUBECONFIG: kubeconfigFile,
    WORKER_IMAGE: "agricarta-preprocessing:test",
    WORKER_COMMAND: [process.execPath, BUILT_WORKER],
    VOLUME_CLAIM: "agricarta-storage",
    VOLUME_MOUNT_PATH: sandbox.root,
  };
  await fs.appendFile(
    sandbox.configPath,
    `EXECUTOR: kubernetes\nKUBERNETES: ${JSON.stringify(kubernetes)}\n`,
  );
}
