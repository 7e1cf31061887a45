import fs from "node:fs/promises";
import path from "node:path";
import gdal from "gdal-async";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/auth/api-keys.js";
import { waitFor } from "../helpers/alive.js";
import { ALBERS_CANADA, SCENES } from "../helpers/paths.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { freePort } from "../helpers/server-process.js";
import { podman, SERVICE_IMAGE } from "./helpers/podman.js";

// The service's image as built from the Dockerfile (scripts/cluster/build-image.sh, run by ./dev test-cluster
// first), run by podman the way k8s/ runs it: non-root, read-only root filesystem, an empty /tmp, config.yaml
// and the API keys mounted, the imagery share as a volume.

const KEY = "agk_image-test-key";
const CONTAINER = `agricarta-image-test-${process.pid}`;
let sandbox: Sandbox;
let base: string;

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [SCENES.l1] });
  // Paths as the pod sees them (k8s/base/config.yaml), and an API key as the Secret would hold it.
  await fs.writeFile(
    sandbox.configPath,
    [
      "ROOT_DIR: /code",
      "IMAGERY_STORAGE: /code/miniostorage",
      "WORKING_DIR: /code/miniostorage/agricarta/workingdir",
      "DEPENDENCIES_DIR: /code/miniostorage/required_datasets",
      "SRTM_DIR: /code/miniostorage/required_datasets/dem/SRTM41",
      "LOGGING_CONFIG: { console_level: INFO, file_level: INFO }",
      `PROJECTION: ${JSON.stringify(ALBERS_CANADA)}`,
      "PARAMS: { LC8: { bands: [B2, B3, B4], product: toa, resamp_clip: true } }",
      "",
    ].join("\n"),
  );
  const keys = path.join(sandbox.root, "api-keys.yaml");
  await fs.writeFile(keys, `keys:\n  - { id: ops, owner: ops, sha256: "${hashApiKey(KEY)}" }\n`);
  // The container's user (10001) owns the share, as it would own its NFS export.
  await chownTree(sandbox.storage, 10001, 10001);

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await podman([
    "run",
    "--detach",
    "--name",
    CONTAINER,
    "--network",
    "host",
    "--read-only",
    "--tmpfs",
    "/tmp",
    "--env",
    `PORT=${port}`,
    "--env",
    "API_KEYS_FILE=/var/run/agricarta/api-keys.yaml",
    "--volume",
    `${sandbox.configPath}:/code/config.yaml:ro`,
    "--volume",
    `${keys}:/var/run/agricarta/api-keys.yaml:ro`,
    "--volume",
    `${sandbox.storage}:/code/miniostorage`,
    SERVICE_IMAGE,
    "--config",
    "/code/config.yaml",
  ]);
}, 120_000);

afterAll(async () => {
  await podman(["rm", "--force", CONTAINER], { reject: false });
  await sandbox?.remove();
});

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await fs.chown(dir, uid, gid);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(p, uid, gid);
    else await fs.chown(p, uid, gid);
  }
}

async function inImage(entrypoint: string, args: readonly string[]) {
  return podman(["run", "--rm", "--network", "none", "--entrypoint", entrypoint, SERVICE_IMAGE, ...args], {
    reject: false,
  });
}

async function call(method: string, url: string, body?: unknown) {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the image", () => {
  it("runs as a numeric non-root user, exposes 5000, and starts the server under tini", async () => {
    const [image] = JSON.parse((await podman(["image", "inspect", SERVICE_IMAGE])).stdout);
    expect(image.Config.User).toBe("10001:10001");
    expect(Object.keys(image.Config.ExposedPorts)).toEqual(["5000/tcp"]);
    expect(image.Config.Entrypoint).toEqual(["/usr/bin/tini", "--", "node", "/app/dist/server.js"]);
  });

  it("holds the GDAL runtime and production dependencies only: no headers, compiler or dev packages", async () => {
    const probe = await inImage("sh", [
      "-c",
      "dpkg-query -W -f='${Package} ${Status}\\n' libgdal32 libgdal-dev g++ make 2>/dev/null; " +
        "ls /app/node_modules/vitest /app/node_modules/typescript /app/src 2>&1; node --version",
    ]);
    expect(probe.stdout).toMatch(/^libgdal32 install ok installed$/m);
    expect(probe.stdout).not.toMatch(/^(libgdal-dev|g\+\+|make) install ok installed$/m);
    expect(probe.stdout.match(/No such file or directory/g)).toHaveLength(3);
    expect(probe.stdout).toMatch(/^v24\./m);
  });

  it("runs the worker entry point that Kubernetes Jobs use (KUBERNETES.WORKER_COMMAND's default)", async () => {
    const check = await inImage("node", ["/app/dist/worker/main.js", "--check"]);
    expect(check.exitCode).toBe(0);
    expect(JSON.parse(check.stdout)).toEqual({ gdal: gdal.version });
  });

  it("serves /healthz and /readyz, then runs a real job on a fixture scene", async () => {
    await waitFor(
      () =>
        fetch(`${base}/healthz`).then(
          (r) => r.ok || undefined,
          () => undefined,
        ),
      "the container to answer /healthz",
      60_000,
    );
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);

    const submitted = await call("POST", "/agricarta/preprocessing", {
      imagery_list: [SCENES.l1.id],
      resolution: 120,
      cores: 2,
    });
    expect(submitted.status).toBe(202);
    const jobId = submitted.body["jobID"] as string;
    const done = await waitFor(
      async () => {
        const { body } = await call("GET", `/agricarta/preprocessing/${jobId}`);
        return ["successful", "failed"].includes(body["status"] as string) ? body : undefined;
      },
      "the job to end",
      120_000,
    );
    expect(done["message"]).toBe("Processed 1 scene(s)");

    // The results are on the share, owned by the container's user, and GDAL reads them here.
    const published = path.join(sandbox.storage, "agricarta", "preprocessing", jobId);
    const scenes = done["scenes"] as { outputs: string[] }[];
    const band = scenes[0]!.outputs.find((o) => o.endsWith("_B4_toa.tif"))!;
    const file = path.join(published, band);
    expect((await fs.stat(file)).uid).toBe(10001);
    const dataset = await gdal.openAsync(file);
    expect(dataset.rasterSize.x).toBeGreaterThan(100);
    expect(dataset.srs?.toProj4()).toMatch(/\+proj=aea/);
    dataset.close();
  });

  it("stops on SIGTERM by itself (exit 0), not by the kill after the grace period", async () => {
    // podman sends SIGTERM, then SIGKILL after 30 s: 0 is the server's own drain and exit, 137 the kill.
    await podman(["stop", "--time", "30", CONTAINER]);
    const state = (await podman(["inspect", CONTAINER, "--format", "{{.State.ExitCode}}"])).stdout.trim();
    expect(state).toBe("0");
  });
});
