import type { V1Job } from "@kubernetes/client-node";
import type { KubernetesExecutorConfig } from "../../config/config.js";
import type { WorkerLaunch } from "../executor.js";

// The batch/v1 Job that runs one job's worker: the service's own image and worker entry point, on the job
// directory, with the shared volume mounted where the API has it. One attempt only: a worker that fails has
// already recorded why, and a rerun would repeat its work on half-written files.

/** Labels on every worker Job and its pod; the job-id label finds a job's pods. */
export const WORKER_LABELS = {
  "app.kubernetes.io/name": "agricarta-preprocessing",
  "app.kubernetes.io/component": "worker",
  "app.kubernetes.io/managed-by": "agricarta-preprocessing",
} as const;
export const JOB_ID_LABEL = "agricarta.io/job-id";
/** Where the pod's log is saved when the Job ends: on the Job itself, so an API that adopts it knows too. */
export const LOG_FILE_ANNOTATION = "agricarta.io/log-file";
export const WORKER_CONTAINER = "worker";

/** Selects every worker Job this service created. */
export const WORKER_SELECTOR = Object.entries(WORKER_LABELS)
  .map(([key, value]) => `${key}=${value}`)
  .join(",");

/** Job ids are UUIDs, so the name stays well inside the 63 characters a pod's job-name label allows. */
export function workerJobName(jobId: string): string {
  return `agricarta-${jobId}`;
}

export interface WorkerJobOptions {
  readonly namespace: string;
  readonly kubernetes: KubernetesExecutorConfig;
  /** The job time limit (JOB_TIMEOUT): the cluster stops the pod past it even if no API is running. */
  readonly activeDeadlineSeconds: number;
}

export function buildWorkerJob(launch: WorkerLaunch, options: WorkerJobOptions): V1Job {
  const k8s = options.kubernetes;
  const labels = { ...WORKER_LABELS, [JOB_ID_LABEL]: launch.jobId };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: workerJobName(launch.jobId),
      namespace: options.namespace,
      labels,
      annotations: { [LOG_FILE_ANNOTATION]: launch.logs.combined },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: options.activeDeadlineSeconds,
      ttlSecondsAfterFinished: k8s.ttlAfterFinishedSeconds,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          ...(k8s.serviceAccount === undefined ? {} : { serviceAccountName: k8s.serviceAccount }),
          // The worker reads and writes files; it never talks to the Kubernetes API.
          automountServiceAccountToken: false,
          // Time for the worker to stop its GDAL children when a job is cancelled.
          terminationGracePeriodSeconds: 10,
          securityContext: { runAsNonRoot: true },
          containers: [
            {
              name: WORKER_CONTAINER,
              image: k8s.workerImage,
              imagePullPolicy: k8s.imagePullPolicy,
              command: [...k8s.workerCommand],
              args: [launch.jobDir],
              resources: {
                requests: { cpu: String(launch.cores), memory: k8s.memoryRequest },
                limits: { memory: k8s.memoryLimit },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [
                { name: "storage", mountPath: k8s.volumeMountPath },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "storage", persistentVolumeClaim: { claimName: k8s.volumeClaim } },
            { name: "tmp", emptyDir: {} },
          ],
        },
      },
    },
  };
}

/** The file that receives a worker Job's pod log; undefined for a Job made without one. */
export function logFileOf(job: V1Job): string | undefined {
  return job.metadata?.annotations?.[LOG_FILE_ANNOTATION];
}
