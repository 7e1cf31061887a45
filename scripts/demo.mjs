// The end-to-end demo: a local folder as the imagery volume, seeded with the bundled sample scenes; the real
// server and workers; one job submitted over HTTP and polled to the end. Run it with `./dev demo`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = path.join(repo, "demo-run");
const storage = path.join(run, "storage");
// One job per product the bundled scenes can give: surface reflectance from Level-2, TOA from Level-1, and
// Sentinel-2 L2A surface reflectance (baseline 04.00 offsets applied) beside a Landsat scene on the same grid.
const jobs = [
  { imagery_list: ["LC08_L2SP_017036_20130419_20200913_02_T2"], product: "sr" },
  { imagery_list: ["LC08_L1TP_016037_20170813_20170814_01_RT"], product: "toa" },
  {
    imagery_list: [
      "S2A_MSIL2A_20221005T115411_N0400_R023_T29UNU_20221005T164454",
      "LC08_L2SP_017036_20130419_20200913_02_T2",
    ],
    resolution: 120,
  },
];

// 1. The imagery volume: a copy of examples/storage, so nothing is ever written next to the samples.
if (!fs.existsSync(path.join(storage, "s2-l2a-products"))) {
  fs.mkdirSync(run, { recursive: true });
  fs.cpSync(path.join(repo, "examples", "storage"), storage, { recursive: true });
}
const port = await freePort();
const configPath = path.join(run, "config.yaml");
fs.writeFileSync(
  configPath,
  fs.readFileSync(path.join(repo, "examples", "config.yaml"), "utf8").replace(/^PORT: .*$/m, `PORT: ${port}`),
);

// 2. The server, as a real process.
const server = spawn(process.execPath, [path.join(repo, "dist", "server.js"), "--config", configPath], {
  stdio: ["ignore", fs.openSync(path.join(run, "server.log"), "a"), "inherit"],
});
const stop = () => server.exitCode === null && server.kill("SIGTERM");
process.on("exit", stop);
const base = `http://127.0.0.1:${port}`;

try {
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 30_000, "the server to become ready");
  console.log(`server ready at ${base} (log: ${path.relative(repo, path.join(run, "server.log"))})`);
  console.log("authentication is off for the demo (AUTH_DISABLED: true in examples/config.yaml)");

  for (const job of jobs) await runJob({ resolution: 500, cores: 2, delete_intermediate: false, ...job });
} finally {
  stop();
}

async function runJob(body) {
  // 3. Submit as the seed's clients do.
  console.log(`\nPOST /agricarta/preprocessing ${JSON.stringify(body)}`);
  const submitted = await fetch(`${base}/agricarta/preprocessing`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const accepted = await submitted.json();
  if (submitted.status !== 202) throw new Error(`submission refused: ${JSON.stringify(accepted)}`);
  console.log(
    `-> ${submitted.status}, job ${accepted.jobID}, Location: ${submitted.headers.get("location")}`,
  );

  // 4. Poll until the job ends.
  let status;
  let last = "";
  await waitFor(
    async () => {
      status = await (await fetch(`${base}/agricarta/preprocessing/${accepted.jobID}`)).json();
      const line = `   ${status.status} ${status.progress}% ${status.message}`;
      if (line !== last) console.log(line);
      last = line;
      return ["successful", "failed", "dismissed"].includes(status.status);
    },
    300_000,
    "the job to finish",
  );

  // 5. Where the results are.
  console.log(`job ${status.jobID}: ${status.status} - ${status.message}`);
  for (const scene of status.scenes) {
    console.log(`  ${scene.id}: ${scene.status} (${scene.message})`);
    for (const output of scene.outputs) console.log(`    ${output}`);
  }
  const published = path.join(storage, status.outputDir ?? "");
  console.log(`results published in ${path.relative(process.cwd(), published) || "."}/`);
  console.log(`job log (GET /agricarta/preprocessing/${status.jobID}/log):`);
  const log = await (await fetch(`${base}/agricarta/preprocessing/${status.jobID}/log`)).text();
  console.log(log.trimEnd().replace(/^/gm, "  | "));
  if (status.status !== "successful" || !fs.existsSync(published)) {
    throw new Error(`the demo job did not succeed; see ${path.relative(process.cwd(), run)}/workingdir`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
