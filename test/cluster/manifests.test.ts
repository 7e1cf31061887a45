import fs from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { loadAll } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/auth/api-keys.js";
import { REPO } from "../helpers/paths.js";
import { KUBECTL, startControlPlane, type ControlPlane } from "./helpers/control-plane.js";
import { NAMESPACE, eventually, kubectl } from "./helpers/kube.js";

// k8s/ applied to a real API server with Debian's kubectl 1.20 (its built-in kustomize is the oldest the
// manifests support): dry runs, then a real apply, which is what checks the nodePort range and the claim binding.

const SERVICE_ACCOUNT = `system:serviceaccount:${NAMESPACE}:agricarta-executor`;
const overlay = (name: string) => path.join(REPO, "k8s", "overlays", name);

/** kubectl's JSON and YAML, read field by field: the assertions are the type check (as with supertest bodies). */
type Parsed = ReturnType<typeof JSON.parse>;

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

let plane: ControlPlane;

beforeAll(async () => {
  plane = await startControlPlane();
}, 120_000);

afterAll(async () => {
  await plane?.stop();
});

async function build(name: string): Promise<K8sObject[]> {
  return loadAll(await kubectl(plane, ["kustomize", overlay(name)])) as K8sObject[];
}

function find(objects: K8sObject[], kind: string): Parsed {
  const found = objects.filter((o) => o.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0];
}

/** Every namespaced object lands in the service's namespace, whatever namespace kubectl's context names. */
function expectAllNamespaced(objects: K8sObject[]): void {
  for (const o of objects.filter((x) => !["Namespace", "PersistentVolume"].includes(x.kind))) {
    expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(NAMESPACE);
  }
}

async function get(args: string[]): Promise<Parsed> {
  return JSON.parse(await kubectl(plane, ["get", "-o", "json", ...args]));
}

describe("k8s/ manifests", () => {
  it("build the seed's shape, hardened: NodePort 30199 -> 5000, probes, non-root, read-only root, NFS Retain", async () => {
    const objects = await build("local");
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ["ConfigMap", "Deployment", "Namespace", "PersistentVolume", "PersistentVolumeClaim", "Service"].sort(),
    );
    expectAllNamespaced(objects);

    const service = find(objects, "Service");
    expect(service.spec.type).toBe("NodePort");
    expect(service.spec.ports).toEqual([{ name: "http", port: 5000, targetPort: "http", nodePort: 30199 }]);

    const deployment = find(objects, "Deployment");
    const pod = deployment.spec.template.spec;
    const api = pod.containers[0];
    expect(api.ports).toEqual([{ name: "http", containerPort: 5000 }]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(api.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(api.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(api.resources.requests).toBeDefined();
    expect(api.resources.limits.memory).toBeDefined();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(api.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(api.args).toEqual(["--config", "/code/config.yaml"]);

    // The config comes from the generated ConfigMap (its hashed name), the keys from the Secret.
    const configMap = find(objects, "ConfigMap");
    const volumes = Object.fromEntries(pod.volumes.map((v: Parsed) => [v.name, v]));
    expect(volumes.config.configMap.name).toBe(configMap.metadata.name);
    expect(configMap.data["config.yaml"]).toMatch(/^EXECUTOR: local$/m);
    expect(volumes["api-keys"].secret.secretName).toBe("agricarta-api-keys");
    expect(volumes.tmp.emptyDir).toEqual({});
    expect(volumes.storage.persistentVolumeClaim.claimName).toBe("agricarta-storage");
    const mounts = Object.fromEntries(api.volumeMounts.map((m: Parsed) => [m.name, m]));
    expect(mounts.config).toMatchObject({ mountPath: "/code/config.yaml", subPath: "config.yaml" });
    expect(mounts.storage.mountPath).toBe("/code/miniostorage");
    expect(mounts.tmp.mountPath).toBe("/tmp");

    const volume = find(objects, "PersistentVolume");
    expect(volume.spec).toMatchObject({
      persistentVolumeReclaimPolicy: "Retain",
      accessModes: ["ReadWriteMany"],
    });
    expect(volume.spec.nfs).toEqual({ server: "nfs.agricarta.internal", path: "/exports/agricarta" });
    const claim = find(objects, "PersistentVolumeClaim");
    expect(claim.spec).toMatchObject({ accessModes: ["ReadWriteMany"], volumeName: volume.metadata.name });
  });

  it("the kubernetes overlay adds the executor's ServiceAccount and Role, and its config", async () => {
    const objects = await build("kubernetes");
    expectAllNamespaced(objects);
    const deployment = find(objects, "Deployment");
    expect(deployment.spec.template.spec.serviceAccountName).toBe("agricarta-executor");
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
    const config = find(objects, "ConfigMap").data["config.yaml"];
    expect(config).toMatch(/^EXECUTOR: kubernetes$/m);
    expect(config).toMatch(/VOLUME_CLAIM: agricarta-storage/);
    expect(find(objects, "RoleBinding").subjects).toEqual([
      { kind: "ServiceAccount", name: "agricarta-executor", namespace: NAMESPACE },
    ]);
  });

  it("pass a server-side dry run, both overlays", async () => {
    await kubectl(plane, ["apply", "-f", path.join(REPO, "k8s", "base", "namespace.yaml")]);
    for (const name of ["local", "kubernetes"]) {
      const out = await kubectl(plane, ["apply", "-k", overlay(name), "--dry-run=server"]);
      expect(out).toMatch(
        /deployment\.apps\/agricarta-preprocessing (created|configured) \(server dry run\)/,
      );
    }
  });

  it("apply for real: the claim binds to the NFS volume, the Service gets port 30199, the pod is admitted", async () => {
    const keys = path.join(plane.dir, "api-keys.yaml");
    await fs.writeFile(keys, `keys:\n  - { id: ops, owner: ops, sha256: "${hashApiKey("agk_test")}" }\n`);
    await kubectl(plane, [
      "create",
      "secret",
      "generic",
      "agricarta-api-keys",
      "-n",
      NAMESPACE,
      `--from-file=api-keys.yaml=${keys}`,
    ]);

    await kubectl(plane, ["apply", "-k", overlay("local")]);
    const claim = await eventually(async () => {
      const c = await get(["-n", NAMESPACE, "pvc", "agricarta-storage"]);
      return c.status.phase === "Bound" ? c : undefined;
    }, "the claim to bind");
    expect(claim.spec.volumeName).toBe("agricarta-storage");
    expect((await get(["pv", "agricarta-storage"])).status.phase).toBe("Bound");
    expect((await get(["-n", NAMESPACE, "service", "agricarta-preprocessing"])).spec.ports[0].nodePort).toBe(
      30199,
    );

    // Deployment -> ReplicaSet -> Pod, admitted with its security context (no kubelet here to run it).
    const pod = await eventually(async () => (await get(["-n", NAMESPACE, "pods"])).items[0], "the API pod");
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);

    // Switching to the Kubernetes executor is one more apply.
    const out = await kubectl(plane, ["apply", "-k", overlay("kubernetes")]);
    expect(out).toMatch(/serviceaccount\/agricarta-executor created/);
    expect(out).toMatch(/role\.rbac\.authorization\.k8s\.io\/agricarta-executor created/);
    const deployment = await get(["-n", NAMESPACE, "deployment", "agricarta-preprocessing"]);
    expect(deployment.spec.template.spec.serviceAccountName).toBe("agricarta-executor");
  });

  it("give the executor exactly what it uses, in its namespace and nowhere else", async () => {
    // `kubectl auth can-i` prints yes or no, and exits 1 for no.
    const can = async (verb: string, resource: string, namespace = NAMESPACE): Promise<boolean> => {
      const args = ["auth", "can-i", verb, resource, "-n", namespace, `--as=${SERVICE_ACCOUNT}`];
      const result = await execa(KUBECTL, ["--kubeconfig", plane.adminKubeconfig, ...args], {
        reject: false,
      });
      expect(result.stdout.trim(), args.join(" ")).toMatch(/^(yes|no)$/);
      return result.stdout.trim() === "yes";
    };
    for (const verb of ["create", "get", "list", "watch", "delete"])
      expect(await can(verb, "jobs.batch"), verb).toBe(true);
    for (const verb of ["get", "list"]) {
      expect(await can(verb, "pods"), `${verb} pods`).toBe(true);
      expect(await can(verb, "pods/log"), `${verb} pods/log`).toBe(true);
    }
    const denied: [string, string, string?][] = [
      ["update", "jobs.batch"],
      ["patch", "jobs.batch"],
      ["deletecollection", "jobs.batch"],
      ["create", "pods"],
      ["delete", "pods"],
      ["watch", "pods"],
      ["create", "pods/exec"],
      ["get", "secrets"],
      ["get", "configmaps"],
      ["create", "deployments.apps"],
      ["create", "cronjobs.batch"],
      ["create", "jobs.batch", "default"],
      ["list", "pods", "kube-system"],
      ["list", "nodes"],
    ];
    for (const [verb, resource, namespace] of denied) {
      expect(await can(verb, resource, namespace), `${verb} ${resource} in ${namespace ?? NAMESPACE}`).toBe(
        false,
      );
    }
    const role = await get(["-n", NAMESPACE, "role", "agricarta-executor"]);
    expect(role.rules).toEqual([
      { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "get", "list", "watch", "delete"] },
      { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list"] },
    ]);
  });
});
