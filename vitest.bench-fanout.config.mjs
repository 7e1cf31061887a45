import { defineConfig } from "vitest/config";

// `./dev bench fanout` (npm run bench:fanout): the API side of a 50-scene fan-out on a real kube-apiserver, run by
// vitest so that it can use the cluster suite's TypeScript helpers. A benchmark that prints figures, not a test.
export default defineConfig({
  test: {
    include: ["scripts/bench-fanout.test.mjs"],
    testTimeout: 900_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
