// The direction of imports in src/, checked by `npm run lint` (and so by ./dev test and CI).
// Two chains, as the README draws them: api -> jobs -> executors for the API process, and
// worker -> imagery -> pipeline for the worker; shared ground (common, logging) imports neither, and the config
// imports only the sensors' declarations of their PARAMS blocks.
// A folder named in `to` is one the folder in `from` must not import.

/** @param {string} name @param {string} from @param {string[]} forbidden @param {string} why */
const layer = (name, from, forbidden, why) => ({
  name,
  comment: why,
  severity: "error",
  from: { path: `^src/${from}/` },
  to: { path: `^src/(${forbidden.join("|")})/` },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Modules that import each other cannot be understood, tested or moved one at a time.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment:
        "An import that resolves to nothing is a typo or a file that moved; the check would miss its edges.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "api-process-never-loads-gdal",
      comment:
        "The API server never touches pixels: nothing it loads may reach gdal-async (the worker probes GDAL " +
        "for it in a child process).",
      severity: "error",
      from: { path: "^src/(api|jobs|executors|metrics|auth|cli|config|server\\.ts|create-service\\.ts)" },
      to: { path: "gdal-async", reachable: true },
    },
    layer(
      "common-is-shared-ground",
      "common",
      [
        "api",
        "jobs",
        "executors",
        "worker",
        "imagery",
        "pipeline",
        "metrics",
        "auth",
        "cli",
        "config",
        "logging",
      ],
      "common/ holds what every layer shares; it depends on none of them.",
    ),
    layer(
      "logging-is-shared-ground",
      "logging",
      ["api", "jobs", "executors", "worker", "imagery", "pipeline", "metrics", "auth", "cli"],
      "Every process logs; the logger knows no process.",
    ),
    layer(
      "config-knows-only-sensor-params",
      "config",
      ["api", "jobs", "executors", "worker", "pipeline", "metrics", "auth", "cli"],
      "Every process reads the config; it imports only what sensors declare of their PARAMS blocks (pure, " +
        "which api-process-never-loads-gdal checks).",
    ),
    layer(
      "api-goes-through-jobs",
      "api",
      ["worker", "executors", "pipeline", "cli"],
      "api -> jobs -> executors: the API asks the job service, never a worker, an executor or the pipeline.",
    ),
    layer(
      "jobs-know-no-api-nor-pixels",
      "jobs",
      ["api", "worker", "pipeline", "metrics", "cli"],
      "The job service is used by the API and never uses it; pixels are the worker's.",
    ),
    layer(
      "executors-know-no-jobs",
      "executors",
      ["api", "jobs", "worker", "imagery", "pipeline", "metrics", "cli"],
      "api -> jobs -> executors: an executor starts a worker on a directory it is handed.",
    ),
    layer(
      "worker-is-not-the-api",
      "worker",
      ["api", "executors", "metrics", "cli"],
      "The worker is its own process: it reads its job directory, not the API's objects.",
    ),
    layer(
      "imagery-is-below-the-worker",
      "imagery",
      ["api", "jobs", "executors", "worker", "metrics", "cli", "config"],
      "worker -> imagery -> pipeline: sensors read scenes and plan them; they do not run jobs, and the config " +
        "reads their PARAMS declarations, not the other way round.",
    ),
    layer(
      "pipeline-names-no-sensor",
      "pipeline",
      ["api", "jobs", "executors", "worker", "imagery", "metrics", "cli"],
      "worker -> imagery -> pipeline: the pipeline runs plans and knows no sensor, job or process.",
    ),
    layer(
      "metrics-read-jobs-only",
      "metrics",
      ["api", "executors", "worker", "imagery", "pipeline", "cli"],
      "Metrics observe the job service.",
    ),
    layer(
      "auth-and-cli-stand-alone",
      "(auth|cli)",
      ["api", "jobs", "executors", "worker", "imagery", "pipeline", "metrics"],
      "API keys and the command-line client are used by the service, or talk to it over HTTP.",
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
