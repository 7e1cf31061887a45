// Benchmark: listing jobs from a WORKING_DIR with 100 and with 10,000 jobs, in one run, so the ratio says how
// listing scales on this machine whatever else it is doing. Run with `npm run bench` (builds first).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { v7 as uuidv7 } from "uuid";
import { JobStore } from "../dist/jobs/job-store.js";
import { createAccepted, markFailed, markRunning, markFinished } from "../dist/jobs/transitions.js";

const SCENE = "LC08_L1TP_015028_20200814_20200822_01_T1";
const REPEATS = 20;

async function populate(dir, count) {
  const store = new JobStore(dir);
  const start = Date.now() - count * 1000;
  for (let i = 0; i < count; i++) {
    const created = new Date(start + i * 1000);
    const jobId = uuidv7({ msecs: created.getTime() });
    const request = { imagery_list: [SCENE], resolution: 30, cores: 1, delete_intermediate: false };
    const spec = {
      jobId,
      created: created.toISOString(),
      request,
      resolved: {
        imageryStorage: "/storage",
        publishPath: `agricarta/preprocessing/${jobId}`,
        projection: "EPSG:3979",
        bands: ["B4"],
        product: "dn",
        resampClip: true,
        logLevel: "info",
        heartbeatIntervalMs: 5000,
        staging: "copy",
      },
    };
    let status = createAccepted(jobId, [SCENE], created);
    // Mostly finished jobs, as on a real share; 1 in 1000 failed, the newest few still running.
    if (i < count - 5) {
      status = markRunning(status, created);
      status =
        i % 1000 === 0
          ? markFailed(status, "boom", created)
          : markFinished(
              { ...status, scenes: status.scenes.map((s) => ({ ...s, status: "successful" })) },
              "x",
              created,
            );
    }
    await store.create(spec, status);
    await fs.appendFile(path.join(dir, jobId, "job_log.txt"), "Job id: x\n".repeat(50));
  }
}

async function time(what, fn) {
  const samples = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { what, median: samples[Math.floor(samples.length / 2)] };
}

async function measure(count) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `agricarta-bench-${count}-`));
  try {
    const t0 = performance.now();
    await populate(dir, count);
    const populateMs = performance.now() - t0;
    const warm = new JobStore(dir);
    const results = [
      await time("first page (50), new process", () => new JobStore(dir).list({ limit: 50 })),
      await time("first page (50), warm", () => warm.list({ limit: 50 })),
      await time("status=failed (rare), new process", () =>
        new JobStore(dir).list({ limit: 50, status: "failed" }),
      ),
      await time("status=failed (rare), warm", () => warm.list({ limit: 50, status: "failed" })),
    ];
    return { count, populateMs, results };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const small = await measure(100);
const large = await measure(10_000);
console.log(
  `job listing, median of ${REPEATS} runs (ms); jobs created in ${Math.round(large.populateMs)} ms`,
);
console.log(`${"".padEnd(36)}${"100 jobs".padStart(12)}${"10,000 jobs".padStart(14)}${"ratio".padStart(9)}`);
for (const [i, r] of large.results.entries()) {
  const s = small.results[i].median;
  console.log(
    `${r.what.padEnd(36)}${s.toFixed(2).padStart(12)}${r.median.toFixed(2).padStart(14)}${(r.median / s).toFixed(1).padStart(9)}`,
  );
}
