import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { freePort } from "../../helpers/server-process.js";

// A real Kubernetes control plane on loopback for the cluster suite: etcd, kube-apiserver (RBAC, token
// authentication, service-account tokens, the TTLAfterFinished gate) and kube-controller-manager (the Job,
// garbage-collector, service-account, token and PV-binder controllers). No kubelet: tests play its part by
// writing pod status.

export const K8S_BIN = path.join(
  process.env["AGRICARTA_CACHE"] ?? "/var/cache/agricarta",
  "kubernetes-1.20.2",
  "bin",
);
export const KUBECTL = path.join(K8S_BIN, "kubectl");
const FEATURE_GATES = "TTLAfterFinished=true";

export interface ControlPlane {
  readonly server: string;
  readonly adminToken: string;
  /** A kubeconfig file for the admin user. */
  readonly adminKubeconfig: string;
  readonly dir: string;
  /** Stops and starts kube-apiserver again on the same port and data (etcd keeps running). */
  restartApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export async function startControlPlane(): Promise<ControlPlane> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-k8s-"));
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const adminToken = `admin-${Math.random().toString(36).slice(2)}`;
  await fs.writeFile(path.join(dir, "tokens.csv"), `${adminToken},admin,admin,system:masters\n`);
  await execa("openssl", ["genrsa", "-out", path.join(dir, "sa.key"), "2048"]);
  await fs.mkdir(path.join(dir, "certs"));

  const processes: ChildProcess[] = [];
  const launch = (name: string, file: string, args: string[]): ChildProcess => {
    const log = path.join(dir, `${name}.log`);
    const child = spawn(file, args, { stdio: ["ignore", "ignore", "pipe"] });
    void fs.open(log, "a").then((handle) => {
      child.stderr?.on("data", (chunk: Buffer) => void handle.write(chunk));
      child.once("exit", () => void handle.close());
    });
    processes.push(child);
    return child;
  };

  launch("etcd", "etcd", [
    `--data-dir=${path.join(dir, "etcd")}`,
    `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
  ]);
  const server = `https://127.0.0.1:${apiPort}`;
  const apiServerArgs = [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${apiPort}`,
    "--insecure-port=0",
    `--cert-dir=${path.join(dir, "certs")}`,
    `--token-auth-file=${path.join(dir, "tokens.csv")}`,
    "--authorization-mode=RBAC",
    `--service-account-key-file=${path.join(dir, "sa.key")}`,
    `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
    "--service-account-issuer=https://kubernetes.default.svc",
    "--service-cluster-ip-range=10.96.0.0/16",
    `--feature-gates=${FEATURE_GATES}`,
  ];
  let apiServer = launch("kube-apiserver", path.join(K8S_BIN, "kube-apiserver"), apiServerArgs);
  await waitReady(server, adminToken, 60_000);

  const adminKubeconfig = path.join(dir, "admin.kubeconfig");
  await fs.writeFile(adminKubeconfig, kubeconfigYaml(server, adminToken, "default"));
  launch("kube-controller-manager", path.join(K8S_BIN, "kube-controller-manager"), [
    `--kubeconfig=${adminKubeconfig}`,
    `--service-account-private-key-file=${path.join(dir, "sa.key")}`,
    "--leader-elect=false",
    "--port=0",
    "--secure-port=0",
    `--feature-gates=${FEATURE_GATES}`,
    "--controllers=*",
  ]);

  return Object.freeze({
    server,
    adminToken,
    adminKubeconfig,
    dir,
    async restartApiServer() {
      await stopProcess(apiServer);
      apiServer = launch("kube-apiserver", path.join(K8S_BIN, "kube-apiserver"), apiServerArgs);
      await waitReady(server, adminToken, 60_000);
    },
    async stop() {
      for (const child of [...processes].reverse()) await stopProcess(child);
      await fs.rm(dir, { recursive: true, force: true });
    },
  });
}

/** A kubeconfig that trusts the test server's self-signed certificate. */
export function kubeconfigYaml(server: string, token: string, namespace: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: test",
    "  cluster:",
    `    server: ${server}`,
    "    insecure-skip-tls-verify: true",
    "users:",
    "- name: user",
    "  user:",
    `    token: ${token}`,
    "contexts:",
    "- name: test",
    "  context:",
    "    cluster: test",
    "    user: user",
    `    namespace: ${namespace}`,
    "current-context: test",
    "",
  ].join("\n");
}

async function waitReady(server: string, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await statusOf(`${server}/readyz`, token)) === 200) return;
    if (Date.now() > deadline) throw new Error(`kube-apiserver at ${server} not ready after ${timeoutMs} ms`);
    await sleep(250);
  }
}

function statusOf(url: string, token: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = https.get(url, {
      rejectUnauthorized: false,
      headers: { authorization: `Bearer ${token}` },
    });
    request.on("response", (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on("error", () => resolve(undefined));
    request.setTimeout(2_000, () => request.destroy());
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
