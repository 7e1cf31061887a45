import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { jobOutcome } from "../../../src/executors/kubernetes/job-outcome.js";

// How an ended worker Job is read: still running, completed, or failed and why (its condition, its pod's
// containers); the cluster suite checks it against a real API server.

describe("jobOutcome", () => {
  const base: V1Job = { metadata: { name: "agricarta-x", namespace: "ns" } };
  const withCondition = (type: string, reason?: string, message?: string): V1Job => ({
    ...base,
    status: {
      conditions: [{ type, status: "True", ...(reason && { reason }), ...(message && { message }) }],
    },
  });
  const pod = (terminated: object, reason?: string): V1Pod =>
    ({
      metadata: { name: "agricarta-x-abcde" },
      status: { ...(reason && { reason }), containerStatuses: [{ name: "worker", state: { terminated } }] },
    }) as V1Pod;

  it("is still running until the Job has a Complete or Failed condition", () => {
    expect(jobOutcome(base)).toEqual({ ended: false });
    expect(jobOutcome({ ...base, status: { conditions: [{ type: "Failed", status: "False" }] } })).toEqual({
      ended: false,
    });
  });

  it("says a completed Job succeeded", () => {
    expect(jobOutcome(withCondition("Complete"))).toMatchObject({
      ended: true,
      succeeded: true,
      exitCode: 0,
    });
  });

  it("explains a failed Job with its condition and its pod's container", () => {
    const outcome = jobOutcome(
      withCondition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
      [pod({ exitCode: 137, reason: "OOMKilled" })],
    );
    expect(outcome).toEqual({
      ended: true,
      succeeded: false,
      exitCode: 137,
      reason:
        "Kubernetes Job ns/agricarta-x failed (BackoffLimitExceeded: Job has reached the specified backoff limit); " +
        "pod agricarta-x-abcde: container worker OOMKilled, exit code 137",
    });
  });

  it("includes a pod-level reason such as an eviction", () => {
    const outcome = jobOutcome(withCondition("Failed", "BackoffLimitExceeded"), [
      pod({ exitCode: 143, reason: "Error", signal: 15 }, "Evicted"),
    ]);
    expect(outcome.ended && outcome.reason).toMatch(
      /pod agricarta-x-abcde: Evicted; container worker Error, exit code 143, signal 15$/,
    );
  });
});

describe("jobOutcome, more pods and states", () => {
  const failed: V1Job = {
    metadata: { name: "agricarta-y", namespace: "ns" },
    status: { conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded" }] },
  };

  it("reads a container's last termination when it is waiting to restart, and the first exit code found", () => {
    const pods = [
      {
        metadata: { name: "p1" },
        status: {
          containerStatuses: [
            {
              name: "worker",
              state: { waiting: {} },
              lastState: { terminated: { exitCode: 2, reason: "Error" } },
            },
          ],
        },
      },
      {
        metadata: { name: "p2" },
        status: { containerStatuses: [{ name: "worker", state: { terminated: { exitCode: 9 } } }] },
      },
    ] as V1Pod[];
    expect(jobOutcome(failed, pods)).toEqual({
      ended: true,
      succeeded: false,
      exitCode: 2,
      reason:
        "Kubernetes Job ns/agricarta-y failed (DeadlineExceeded); pod p1: container worker Error, exit code 2; " +
        "pod p2: container worker terminated, exit code 9",
    });
  });

  it("says only the Job's condition when its pods say nothing (gone, or never started)", () => {
    const silent = [{ metadata: { name: "p" }, status: { phase: "Pending" } }] as V1Pod[];
    expect(jobOutcome(failed, silent)).toEqual({
      ended: true,
      succeeded: false,
      exitCode: undefined,
      reason: "Kubernetes Job ns/agricarta-y failed (DeadlineExceeded)",
    });
  });

  it("trims a container's termination message", () => {
    const pods = [
      {
        metadata: { name: "p" },
        status: {
          containerStatuses: [
            {
              name: "worker",
              state: { terminated: { exitCode: 1, reason: "Error", message: " disk full\n" } },
            },
          ],
        },
      },
    ] as V1Pod[];
    const outcome = jobOutcome(failed, pods);
    expect(outcome.ended && outcome.reason).toMatch(/container worker Error \(disk full\), exit code 1$/);
  });
});
