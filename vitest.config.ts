import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The cluster suite needs a Kubernetes control plane and a container toolchain: `npm run test:cluster`.
    exclude: ["test/cluster/**", "**/node_modules/**"],
    // End-to-end tests start real processes and GDAL work: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
