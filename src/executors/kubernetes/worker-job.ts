import type { V1Job } from "@kubernetes/client-node";
import type { KubernetesExecutorConfig } from "../../config/config.js";
import { workerArguments, type TaskRef, type WorkerLaunch } from "../executor.js";

// The batch/v1 Job that runs one attempt at one task of a job: the service's own image and worker entry point, on
// the job directory, with the shared volume mounted where the API has it. One Job per attempt, and one pod per
// Job: the API decides about retries (see backoffLimit below).

/** Labels on every worker Job and its pod; the job-id label finds a job's Jobs and pods. */
export const WORKER_LABELS = {
  "app.kubernetes.io/name": "agricarta-preprocessing",
  "app.kubernetes.io/component": "worker",
  "app.kubernetes.io/managed-by": "agricarta-preprocessing",
} as const;
export const JOB_ID_LABEL = "agricarta.io/job-id";
/** The task (scene) index the worker runs, and which attempt at it. */
export const TASK_LABEL = "agricarta.io/task";
export const ATTEMPT_LABEL = "agricarta.io/attempt";
/** Where the pod's log is saved when the Job ends: on the Job itself, so an API that adopts it knows too. */
export const LOG_FILE_ANNOTATION = "agricarta.io/log-file";
export const WORKER_CONTAINER = "worker";

/** Selects every worker Job this service created. */
export const WORKER_SELECTOR = Object.entries(WORKER_LABELS)
  .map(([key, value]) => `${key}=${value}`)
  .join(",");

/** Selects every worker Job (and pod) of one job. */
export function jobSelector(jobId: string): string {
  return `${JOB_ID_LABEL}=${jobId}`;
}

/**
 * The Job controller copies a Job's name into its pod's `job-name` label, and a label value has at most 63
 * characters. Job ids are UUIDs (36), so `agricarta-<id>-<task>-<attempt>` stays inside it for tasks up to 9999
 * and attempts up to 11 (SCENE_RETRIES is at most 10): 10 + 36 + 1 + 4 + 1 + 2 = 54. Longer fails the start.
 */
const MAX_NAME = 63;

export function workerJobName(jobId: string, task: TaskRef): string {
  const name = `agricarta-${jobId}-${task.index}-${task.attempt}`;
  if (name.length > MAX_NAME) {
    throw new RangeError(`worker Job name ${name} is longer than the ${MAX_NAME} characters a label allows`);
  }
  return name;
}

/** The labels that say which job, task and attempt a worker Job (and its pod) runs. */
export function workerLabels(launch: Pick<WorkerLaunch, "jobId" | "task">): Record<string, string> {
  return {
    ...WORKER_LABELS,
    [JOB_ID_LABEL]: launch.jobId,
    [TASK_LABEL]: String(launch.task.index),
    [ATTEMPT_LABEL]: String(launch.task.attempt),
  };
}

/** Whether an existing Job is the one this launch would create (same job, task and attempt). */
export function isJobOf(job: V1Job, launch: Pick<WorkerLaunch, "jobId" | "task">): boolean {
  const labels = job.metadata?.labels ?? {};
  return Object.entries(workerLabels(launch)).every(([key, value]) => labels[key] === value);
}

export interface WorkerJobOptions {
  readonly namespace: string;
  readonly kubernetes: KubernetesExecutorConfig;
  /** The limit on one worker (JOB_TIMEOUT): the cluster stops the pod past it even if no API is running. */
  readonly activeDeadlineSeconds: number;
}

export function buildWorkerJob(launch: WorkerLaunch, options: WorkerJobOptions): V1Job {
  const k8s = options.kubernetes;
  const labels = workerLabels(launch);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: workerJobName(launch.jobId, launch.task),
      namespace: options.namespace,
      labels,
      annotations: { [LOG_FILE_ANNOTATION]: launch.logs.combined },
    },
    spec: {
      // The API retries a task, not the cluster: a new attempt must start only once the old pod has stopped and
      // the API has recorded why it ended (OOM kill, eviction, deadline), under a new attempt number with its own
      // log. A pod the cluster restarted would rerun the same attempt over its half-written files, unrecorded.
      // backoffLimit counts failed pods only: a pod deleted before it ended (a lost node, a drain) the Job
      // controller replaces whatever the limit, so the executor ends such a Job itself (lost-workers.ts).
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
              args: workerArguments(launch),
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
