import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podStartup } from "../../../src/executors/kubernetes/pod-startup.js";

// A worker pod that has not reported yet: waiting its turn, or stuck for good.

const pod = (status: V1Pod["status"], nodeName?: string): V1Pod => ({
  metadata: { name: "agricarta-x-abcde" },
  spec: { containers: [{ name: "worker" }], ...(nodeName === undefined ? {} : { nodeName }) },
  ...(status === undefined ? {} : { status }),
});
const waitingFor = (reason: string, message?: string) =>
  pod(
    {
      phase: "Pending",
      containerStatuses: [
        {
          name: "worker",
          image: "i",
          imageID: "",
          ready: false,
          restartCount: 0,
          state: { waiting: { reason, ...(message === undefined ? {} : { message }) } },
        },
      ],
    },
    "node-1",
  );

describe("podStartup", () => {
  it("waits while the Job controller has not made the pod, or no node has room for it", () => {
    expect(podStartup([])).toEqual({ state: "waiting", reason: "its pod is not created yet" });
    expect(podStartup([pod({ phase: "Pending" })])).toEqual({
      state: "waiting",
      reason: "pod agricarta-x-abcde is not scheduled yet",
    });
    const unschedulable = pod({
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/3 nodes are available: 3 Insufficient cpu.",
        },
      ],
    });
    expect(podStartup([unschedulable])).toEqual({
      state: "waiting",
      reason: "pod agricarta-x-abcde waits for a node: 0/3 nodes are available: 3 Insufficient cpu.",
    });
  });

  it("waits while the image is pulled and the container created", () => {
    expect(podStartup([waitingFor("ContainerCreating")])).toEqual({
      state: "waiting",
      reason: "pod agricarta-x-abcde is ContainerCreating",
    });
  });

  it("is stuck when the image cannot be pulled or the container not created", () => {
    expect(podStartup([waitingFor("ErrImagePull", 'pull access denied for "agricarta"')])).toEqual({
      state: "stuck",
      reason: 'pod agricarta-x-abcde: ErrImagePull: pull access denied for "agricarta"',
    });
    for (const reason of ["ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError"]) {
      expect(podStartup([waitingFor(reason)]).state, reason).toBe("stuck");
    }
  });

  it("is running once the pod has left Pending, since its container (else the pod) started", () => {
    for (const phase of ["Succeeded", "Failed"]) {
      expect(podStartup([pod({ phase })])).toEqual({ state: "running", since: undefined });
    }
    const podStart = new Date("2026-01-02T03:04:05Z");
    const containerStart = new Date("2026-01-02T03:04:09Z");
    expect(podStartup([pod({ phase: "Running", startTime: podStart })])).toEqual({
      state: "running",
      since: podStart,
    });
    const running = pod({
      phase: "Running",
      startTime: podStart,
      containerStatuses: [
        {
          name: "worker",
          image: "i",
          imageID: "",
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: containerStart } },
        },
      ],
    });
    expect(podStartup([running])).toEqual({ state: "running", since: containerStart });
  });
});
