import { defineConfig } from "vitest/config";

// The cluster suite (test/cluster): a real kube-apiserver, controller manager and etcd per file, the image
// built by buildah and run by podman. One file at a time: each starts its own control plane on a 2-core machine.
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
