import path from "node:path";
import { execa } from "execa";

// podman on the storage and settings that scripts/cluster/build-image.sh built the image into
// (scripts/cluster/cluster-env.sh; vfs storage in the cache, runc with cgroupfs).

const CACHE = process.env["AGRICARTA_CACHE"] ?? "/var/cache/agricarta";
export const SERVICE_IMAGE = process.env["SERVICE_IMAGE"] ?? "localhost/agricarta-preprocessing:test";
const env = {
  CONTAINERS_CONF: path.join(CACHE, "containers", "containers.conf"),
  CONTAINERS_STORAGE_CONF: path.join(CACHE, "containers", "storage.conf"),
};

export async function podman(args: readonly string[], options: { reject?: boolean } = {}) {
  const result = await execa("podman", args, { env, reject: false });
  if (options.reject !== false && result.exitCode !== 0) {
    throw new Error(
      `podman ${args.join(" ")} failed (${result.exitCode}): ${result.stderr || result.stdout}`,
    );
  }
  return result;
}
