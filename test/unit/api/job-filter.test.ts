import { describe, expect, it } from "vitest";
import { jobFilter } from "../../../src/api/ogc/job-filter.js";
import { JobListQuerySchema, jobListParams } from "../../../src/api/ogc/job-list-query.js";
import type { StatusDocument } from "../../../src/jobs/status-document.js";

// The OGC job list's query: validated by its schema, turned into a test on jobs, and written back into the
// pages' links.

const query = (params: Record<string, string | string[]>) => JobListQuerySchema.parse(params);

const job = (change: Partial<StatusDocument>): StatusDocument => ({
  jobID: "01a21160-cee8-74a2-a812-6ca01a59edb9",
  processID: "preprocessing",
  type: "process",
  status: "successful",
  message: "",
  progress: 100,
  created: "2024-05-01T10:00:00.000Z",
  updated: "2024-05-01T10:10:00.000Z",
  scenes: [],
  ...change,
});
const NOW = Date.parse("2024-05-01T12:00:00Z");
const started = "2024-05-01T10:00:00.000Z";

describe("jobFilter", () => {
  it("keeps everything without filters", () => {
    expect(jobFilter(query({}), NOW)(job({}))).toBe(true);
  });

  it("filters by process and status, each a list (repeated or comma-separated)", () => {
    const test = jobFilter(query({ processID: "echo", status: ["running", "failed"] }), NOW);
    expect(test(job({ processID: "echo", status: "running" }))).toBe(true);
    expect(test(job({ processID: "echo", status: "successful" }))).toBe(false);
    expect(test(job({ processID: "preprocessing", status: "running" }))).toBe(false);
    expect(jobFilter(query({ status: "running,failed" }), NOW)(job({ status: "failed" }))).toBe(true);
  });

  it("filters by creation time", () => {
    const test = jobFilter(query({ datetime: "2024-05-01T09:00:00Z/2024-05-01T11:00:00Z" }), NOW);
    expect(test(job({}))).toBe(true);
    expect(test(job({ created: "2024-05-01T11:00:01.000Z" }))).toBe(false);
  });

  it("filters by duration in seconds, a running job's up to now, and leaves out jobs that never started", () => {
    const atLeastAnHour = jobFilter(query({ minDuration: "3600" }), NOW);
    const atMostAMinute = jobFilter(query({ maxDuration: "60" }), NOW);
    const tenMinutes = job({ started, finished: "2024-05-01T10:10:00.000Z" });
    const stillRunning = job({ status: "running", started }); // two hours by NOW
    expect(atLeastAnHour(tenMinutes)).toBe(false);
    expect(atLeastAnHour(stillRunning)).toBe(true);
    expect(atMostAMinute(job({ started, finished: "2024-05-01T10:01:00.000Z" }))).toBe(true);
    expect(atMostAMinute(tenMinutes)).toBe(false);
    expect(atMostAMinute(job({ status: "accepted" }))).toBe(false);
  });
});

describe("jobListParams", () => {
  it("writes the validated query back, lists comma-separated, without the cursor", () => {
    const params = jobListParams(
      query({
        processID: ["echo", "preprocessing"],
        status: "failed",
        datetime: "../2024-05-01T00:00:00Z",
        minDuration: "1.5",
        limit: "5",
        cursor: "01a21160-cee8-74a2-a812-6ca01a59edb9",
      }),
    );
    expect(Object.fromEntries(params)).toEqual({
      processID: "echo,preprocessing",
      status: "failed",
      datetime: "../2024-05-01T00:00:00Z",
      minDuration: "1.5",
      limit: "5",
    });
    expect(jobListParams(query({})).toString()).toBe("limit=10");
  });
});
