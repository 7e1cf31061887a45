import fs from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { load, loadAll } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/auth/api-keys.js";
import { JOB_ID_LABEL, WORKER_LABELS } from "../../src/executors/kubernetes/worker-job.js";
import { REPO } from "../helpers/paths.js";
import { KUBECTL, startControlPlane, type ControlPlane } from "./helpers/control-plane.js";
import { NAMESPACE, eventually, kubectl } from "./helpers/kube.js";

// k8s/ applied to a real API server with Debian's kubectl 1.20 (its built-in kustomize is the oldest the
// manifests support): dry runs, then a real apply, which is what checks the nodePort range and the claim binding.

const SERVICE_ACCOUNT = `system:serviceaccount:${NAMESPACE}:agricarta-executor`;
/** What the leader election does with its Lease. */
const LEASE_VERBS = ["get", "list", "watch", "create", "update"];
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

/** Whether a matchLabels selector selects an object with these labels. */
function selects(matchLabels: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
}

/** A worker pod's labels, as the Kubernetes executor gives every scene's pod. */
const WORKER_POD_LABELS = { ...WORKER_LABELS, [JOB_ID_LABEL]: "0b9f6a34-0c4e-4f39-9a3e-5d1c2b7e8f10" };

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
    // The local executor's workers are processes in this pod: one replica, never two during a rollout.
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });

    // The config comes from the generated ConfigMap (its hashed name), the keys from the Secret.
    const configMap = find(objects, "ConfigMap");
    const volumes = Object.fromEntries(pod.volumes.map((v: Parsed) => [v.name, v]));
    expect(volumes.config.configMap.name).toBe(configMap.metadata.name);
    expect(configMap.data["config.yaml"]).toMatch(/^EXECUTOR: local$/m);
    expect(load(configMap.data["config.yaml"])).not.toHaveProperty("LEADER_ELECTION");
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

  it("the kubernetes overlay runs two API replicas: rolled one at a time, a leader Lease, spread, a PDB", async () => {
    const objects = await build("kubernetes");
    const deployment = find(objects, "Deployment");
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    const apiLabels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(apiLabels);
    // The Service routes to both replicas: followers answer too.
    expect(find(objects, "Service").spec.selector).toEqual(apiLabels);

    const pod = deployment.spec.template.spec;
    // The replica's identity in the leader election.
    expect(pod.containers[0].env).toContainEqual({
      name: "POD_NAME",
      valueFrom: { fieldRef: { fieldPath: "metadata.name" } },
    });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        weight: 100,
        podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: apiLabels } },
      },
    ]);

    expect(load(find(objects, "ConfigMap").data["config.yaml"])).toMatchObject({
      EXECUTOR: "kubernetes",
      MAX_PARALLEL_SCENES: 10,
      SCENE_RETRIES: 1,
      LEADER_ELECTION: { LEASE_NAME: "agricarta-preprocessing-leader", LEASE_DURATION: 15, RENEW_PERIOD: 5 },
    });

    // One API replica is kept through drains; the scene workers' pods are not the budget's.
    const budget = find(objects, "PodDisruptionBudget");
    expect(budget.spec).toEqual({ minAvailable: 1, selector: { matchLabels: apiLabels } });
    expect(selects(budget.spec.selector.matchLabels, apiLabels)).toBe(true);
    expect(selects(budget.spec.selector.matchLabels, WORKER_POD_LABELS)).toBe(false);
  });

  it("use the PodDisruptionBudget version the API server serves: policy/v1 where it is, else v1beta1", async () => {
    const versions = (await kubectl(plane, ["api-versions"])).split("\n");
    const budget = find(await build("kubernetes"), "PodDisruptionBudget");
    // Kubernetes 1.20 serves policy/v1beta1 only (policy/v1 is 1.21+); this fails on an API server that has v1.
    expect(budget.apiVersion).toBe(versions.includes("policy/v1") ? "policy/v1" : "policy/v1beta1");
    // The leader election's Lease.
    expect(versions).toContain("coordination.k8s.io/v1");
  });

  it("pass a server-side dry run, both overlays", async () => {
    await kubectl(plane, ["apply", "-f", path.join(REPO, "k8s", "base", "namespace.yaml")]);
    for (const name of ["local", "kubernetes"]) {
      const out = await kubectl(plane, ["apply", "-k", overlay(name), "--dry-run=server"]);
      expect(out).toMatch(
        /deployment\.apps\/agricarta-preprocessing (created|configured) \(server dry run\)/,
      );
      if (name === "kubernetes")
        expect(out).toMatch(
          /poddisruptionbudget\.policy\/agricarta-preprocessing created \(server dry run\)/,
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
    expect(out).toMatch(/poddisruptionbudget\.policy\/agricarta-preprocessing created/);
    const deployment = await get(["-n", NAMESPACE, "deployment", "agricarta-preprocessing"]);
    expect(deployment.spec.template.spec.serviceAccountName).toBe("agricarta-executor");
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy.type).toBe("RollingUpdate");

    // The budget counts the API pods and not a scene worker's pod beside them (the disruption controller's count).
    const worker = path.join(plane.dir, "worker-pod.json");
    await fs.writeFile(
      worker,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "worker-beside-the-api", namespace: NAMESPACE, labels: WORKER_POD_LABELS },
        spec: {
          automountServiceAccountToken: false,
          containers: [{ name: "worker", image: "agricarta-preprocessing:latest" }],
        },
      }),
    );
    await kubectl(plane, ["create", "-f", worker]);
    const counted = await eventually(async () => {
      const pods: Parsed[] = (await get(["-n", NAMESPACE, "pods"])).items;
      const api = pods.filter((p) => p.metadata.labels["app.kubernetes.io/component"] === "api");
      const withPodName = api.filter((p) =>
        p.spec.containers[0].env.some((e: Parsed) => e.name === "POD_NAME"),
      );
      const budget = await get(["-n", NAMESPACE, "pdb", "agricarta-preprocessing"]);
      const settled = withPodName.length > 0 && budget.status?.expectedPods === api.length;
      return settled && pods.length === api.length + 1 ? budget : undefined;
    }, "the budget to count the API pods, the new ones among them");
    expect(counted.spec.minAvailable).toBe(1);
    await kubectl(plane, ["delete", "-f", worker]);

    // And back: one replica, Recreate. apply prunes nothing, so the budget stays until deleted by hand.
    await kubectl(plane, ["apply", "-k", overlay("local")]);
    const local = await get(["-n", NAMESPACE, "deployment", "agricarta-preprocessing"]);
    expect(local.spec.replicas).toBe(1);
    expect(local.spec.strategy).toEqual({ type: "Recreate" });
    await kubectl(plane, ["delete", "-n", NAMESPACE, "pdb", "agricarta-preprocessing"]);
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
    // The API replicas' leader election (LEADER_ELECTION in the overlay's config).
    for (const verb of LEASE_VERBS)
      expect(await can(verb, "leases.coordination.k8s.io"), `${verb} leases`).toBe(true);
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
      ["delete", "leases.coordination.k8s.io"],
      ["update", "leases.coordination.k8s.io", "kube-system"],
    ];
    for (const [verb, resource, namespace] of denied) {
      expect(await can(verb, resource, namespace), `${verb} ${resource} in ${namespace ?? NAMESPACE}`).toBe(
        false,
      );
    }
    const role = await get(["-n", NAMESPACE, "role", "agricarta-executor"]);
    const isLeaseRule = (rule: Parsed): boolean => rule.apiGroups.includes("coordination.k8s.io");
    expect(role.rules.filter((rule: Parsed) => !isLeaseRule(rule))).toEqual([
      { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "get", "list", "watch", "delete"] },
      { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list"] },
    ]);
    // Leases only, and no verb beyond the election's (however the rule spells them).
    const leaseRules = role.rules.filter(isLeaseRule);
    for (const rule of leaseRules) {
      expect(rule.apiGroups).toEqual(["coordination.k8s.io"]);
      expect(rule.resources).toEqual(["leases"]);
    }
    expect(new Set(leaseRules.flatMap((rule: Parsed) => rule.verbs))).toEqual(new Set(LEASE_VERBS));
  });
});
