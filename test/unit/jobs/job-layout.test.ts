import { describe, expect, it } from "vitest";
import { JobLayout } from "../../../src/jobs/job-layout.js";
import { JobStore } from "../../../src/jobs/job-store.js";

// The names inside a job directory, as the store hands them to the worker, the executors and publishing.

const JOB = "0190a5c2-1b2c-7d3e-8f40-123456789abc";

describe("JobLayout", () => {
  const layout = new JobStore("/srv/work").layout(JOB);

  it("names the job's files inside its directory", () => {
    expect(layout.dir).toBe(`/srv/work/${JOB}`);
    expect([
      layout.spec,
      layout.status,
      layout.log,
      layout.imagery,
      layout.preprocess,
      layout.metadata,
    ]).toEqual(
      ["job.json", "status.json", "job_log.txt", "imagery", "output/preprocess", "output/metadata"].map(
        (name) => `/srv/work/${JOB}/${name}`,
      ),
    );
  });

  it("gives executors the worker's log files, and the store hands out the same", () => {
    expect(layout.workerLogs).toEqual({
      stdout: `/srv/work/${JOB}/worker.stdout.log`,
      stderr: `/srv/work/${JOB}/worker.stderr.log`,
      combined: `/srv/work/${JOB}/worker.log`,
    });
    expect(new JobStore("/srv/work").workerLogFiles(JOB)).toEqual(layout.workerLogs);
  });

  it("publishes the outputs, the log and job.json, and names outputs as clients read them", () => {
    expect(layout.published).toEqual([layout.output, layout.log, layout.spec]);
    expect(layout.relative(`${layout.preprocess}/S/S_B2_dn.tif`)).toBe("output/preprocess/S/S_B2_dn.tif");
    expect(new JobLayout("/storage/agricarta/preprocessing/x").output).toBe(
      "/storage/agricarta/preprocessing/x/output",
    );
  });
});
