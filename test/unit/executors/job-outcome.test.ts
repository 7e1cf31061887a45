import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { jobOutcome, lostWorker } from "../../../src/executors/kubernetes/job-outcome.js";

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

describe("jobOutcome and lostWorker name what the cluster did to the worker", () => {
  const job = (conditions: { type: string; reason?: string; message?: string }[] = []): V1Job => ({
    metadata: { name: "agricarta-z-0-1", namespace: "ns" },
    status: { conditions: conditions.map((c) => ({ status: "True", ...c })) },
  });
  const backoff = job([{ type: "Failed", reason: "BackoffLimitExceeded" }]);
  const running = { name: "worker", image: "i", imageID: "", ready: true, restartCount: 0 };

  it("an OOM kill: the container's reason", () => {
    const pods = [
      {
        metadata: { name: "p" },
        status: {
          phase: "Failed",
          containerStatuses: [{ ...running, state: { terminated: { exitCode: 137, reason: "OOMKilled" } } }],
        },
      },
    ] as V1Pod[];
    expect(jobOutcome(backoff, pods)).toMatchObject({
      exitCode: 137,
      reason: expect.stringMatching(/OOMKilled/),
    });
  });

  it("an eviction: the pod's reason and the kubelet's message", () => {
    const pods = [
      {
        metadata: { name: "p" },
        status: {
          phase: "Failed",
          reason: "Evicted",
          message: "The node was low on resource: memory.",
        },
      },
    ] as V1Pod[];
    const outcome = jobOutcome(backoff, pods);
    expect(outcome.ended && outcome.reason).toMatch(
      /pod p: Evicted: The node was low on resource: memory\.$/,
    );
  });

  it("the deadline: the Job's condition", () => {
    const deadline = job([
      {
        type: "Failed",
        reason: "DeadlineExceeded",
        message: "Job was active longer than specified deadline",
      },
    ]);
    const outcome = jobOutcome(deadline);
    expect(outcome.ended && outcome.reason).toMatch(
      /failed \(DeadlineExceeded: Job was active longer than specified deadline\)$/,
    );
  });

  it("a lost node: a pod the node controller marked NodeLost", () => {
    const pods = [
      {
        metadata: { name: "p" },
        spec: { nodeName: "node-7", containers: [] },
        status: {
          phase: "Running",
          reason: "NodeLost",
          message: "Node node-7 which was running pod p is unresponsive",
          containerStatuses: [{ ...running, state: { running: {} } }],
        },
      },
    ] as V1Pod[];
    expect(lostWorker(job(), pods)).toBe(
      "Kubernetes Job ns/agricarta-z-0-1 lost its worker: pod p: NodeLost: Node node-7 which was running pod p " +
        "is unresponsive",
    );
  });

  it("a lost node: a running pod the node controller deleted after marking it not ready", () => {
    const pods = [
      {
        metadata: { name: "p", deletionTimestamp: new Date() },
        spec: { nodeName: "node-7", containers: [] },
        status: {
          phase: "Running",
          conditions: [{ type: "Ready", status: "False" }],
          containerStatuses: [{ ...running, state: { running: {} } }],
        },
      },
    ] as V1Pod[];
    expect(lostWorker(job(), pods)).toBe(
      "Kubernetes Job ns/agricarta-z-0-1 lost its worker: pod p: deleted by the node controller on node node-7: " +
        "the node stopped reporting (node lost)",
    );
  });

  it("a pod deleted otherwise (a drain), or one that says why (DisruptionTarget, newer clusters)", () => {
    const deleted = (conditions: object[]) =>
      [
        {
          metadata: { name: "p", deletionTimestamp: new Date() },
          spec: { nodeName: "node-7", containers: [] },
          status: { phase: "Running", conditions },
        },
      ] as V1Pod[];
    expect(lostWorker(job(), deleted([{ type: "Ready", status: "True" }]))).toMatch(
      /pod p: deleted before its worker ended on node node-7 \(a lost node, a drain or a preemption\)$/,
    );
    const byTaint = {
      type: "DisruptionTarget",
      status: "True",
      reason: "DeletionByTaintManager",
      message: "x",
    };
    expect(lostWorker(job(), deleted([byTaint]))).toMatch(/on node node-7 \(DeletionByTaintManager: x\)$/);
  });

  it("no loss: pods running, pending, or ended (their Job says how), and the Job's own end is no loss", () => {
    const pods = [
      { metadata: { name: "a" }, status: { phase: "Running" } },
      { metadata: { name: "b" }, status: { phase: "Pending" } },
      { metadata: { name: "c", deletionTimestamp: new Date() }, status: { phase: "Failed" } },
      { metadata: { name: "d", deletionTimestamp: new Date() }, status: { phase: "Succeeded" } },
    ] as V1Pod[];
    expect(lostWorker(job(), pods)).toBeUndefined();
    expect(lostWorker(job(), [])).toBeUndefined();
  });
});
