import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import { buildEchoSpec, buildJobSpec } from "../../../src/jobs/build-job-spec.js";
import { jobLogLines, logText } from "../../../src/jobs/job-log.js";
import type { TaskAttempt, TaskDocument, TaskRuns } from "../../../src/jobs/task-document.js";
import { REPO } from "../../helpers/paths.js";

// job_log.txt assembled from job.json and the tasks, in the seed's order, whichever order the tasks ran in.

const config = loadConfig(path.join(REPO, "test", "fixtures", "config", "seed-config.yaml"), {});
const JOB = "0190a000-0000-7000-8000-000000000002";
const LC8 = "LC08_L2SP_017036_20130419_20200913_02_T2";
const RS2 = "RS2_OK76385_PK678063_DK606752_W2_20150822_232326_HH_HV_SGF";
const MISSING = "LC08_L1TP_015028_20200814_20200822_01_T1";
const T = "2026-03-01T10:00:00.000Z";
const spec = buildJobSpec(
  JOB,
  { imagery_list: [LC8, RS2, MISSING], resolution: 30, cores: 4, delete_intermediate: true },
  "tester",
  config,
  new Date(T),
);

const HEADER = [
  `Imagery names: ${LC8},${RS2},${MISSING}`,
  `Job id: ${JOB}`,
  "Working dir: /work",
  "Resolution: 30",
  "Delete intermediate: True",
  "Cores: 4",
  // Each scene's product from PARAMS (Landsat: sr; RADARSAT-2: its calibration), without the worker's sensors.
  "Product: sr,sigma0",
];

function task(index: number, change: Partial<TaskDocument>): TaskDocument {
  return {
    index,
    attempt: 1,
    status: "running",
    message: "Preprocessing",
    outputs: [],
    percent: 0,
    started: T,
    updated: T,
    log: { staging: [], processing: [] },
    ...change,
  };
}
const worker = { executor: "local", pid: 7, host: "h", startedAt: T } as const;
function runs(index: number, ...attempts: Partial<TaskAttempt>[]): TaskRuns {
  return { index, attempts: attempts.map((a, i) => ({ attempt: i + 1, worker, ...a })) };
}
const lines = (tasks: (TaskDocument | undefined)[], taskRuns: (TaskRuns | undefined)[]) =>
  jobLogLines({ spec, workingDir: "/work", tasks, runs: taskRuns });

const ended = [
  task(0, {
    status: "successful",
    log: {
      staging: [`Image: ${LC8} FOUND`, `Image: ${LC8} COPIED`],
      processing: [`Image: ${LC8} PREPROCESSED`],
    },
  }),
  task(1, {
    attempt: 2,
    status: "skipped",
    log: {
      staging: [`Image: ${RS2} FOUND`, `Image: ${RS2} COPIED`],
      processing: [`Image: ${RS2} SKIPPED: W2`],
    },
  }),
  task(2, { status: "failed", log: { staging: [`Image: ${MISSING} NOT FOUND`], processing: [] } }),
];
const endedRuns = [
  runs(0, {}),
  runs(1, { ended: { at: T, reason: "OOMKilled", retried: true } }, {}),
  runs(2, {}),
];

describe("jobLogLines", () => {
  it("writes the header, every staging line in scene order, then every task's processing lines", () => {
    expect(lines(ended, endedRuns)).toEqual([
      ...HEADER,
      `Image: ${LC8} FOUND`,
      `Image: ${LC8} COPIED`,
      `Image: ${RS2} FOUND`,
      `Image: ${RS2} COPIED`,
      `Image: ${MISSING} NOT FOUND`,
      "Preprocessing started",
      `Image: ${LC8} PREPROCESSED`,
      `Image: ${RS2} RETRIED: attempt 1 ended: OOMKilled`,
      `Image: ${RS2} SKIPPED: W2`,
      "Preprocessing finished",
    ]);
  });

  it("is the log so far while tasks run: no end line, nothing of a dead attempt but why it died", () => {
    const deadAttempt = task(1, { attempt: 1, log: { staging: [`Image: ${RS2} FOUND`], processing: [] } });
    expect(
      lines(
        [ended[0], deadAttempt, undefined],
        [endedRuns[0], runs(1, { ended: { at: T, reason: "evicted", retried: true } }), undefined],
      ),
    ).toEqual([
      ...HEADER,
      `Image: ${LC8} FOUND`,
      `Image: ${LC8} COPIED`,
      "Preprocessing started",
      `Image: ${LC8} PREPROCESSED`,
      `Image: ${RS2} RETRIED: attempt 1 ended: evicted`,
    ]);
  });

  it("is the header alone before any task has begun", () => {
    expect(lines([], [])).toEqual(HEADER);
  });

  it("gives an echo job only its task's processing lines", () => {
    const echo = buildEchoSpec(JOB, { stringInput: "hi", pause: 1 }, "tester", config, new Date(T));
    const doc = task(0, {
      status: "successful",
      log: { staging: [], processing: ["Echo: 2 character(s) after 1 s"] },
    });
    expect(jobLogLines({ spec: echo, workingDir: "/work", tasks: [doc], runs: [runs(0, {})] })).toEqual([
      "Echo: 2 character(s) after 1 s",
    ]);
    expect(jobLogLines({ spec: echo, workingDir: "/work", tasks: [], runs: [] })).toEqual([]);
  });
});

describe("logText", () => {
  it("ends every line with a newline, and is empty for no lines", () => {
    expect(logText(["a", "b"])).toBe("a\nb\n");
    expect(logText([])).toBe("");
  });
});
