import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Informer, KubeConfig, ObjectCache, V1Job } from "@kubernetes/client-node";
import type { WorkerRecord } from "../worker-record.js";
import type { Logger } from "../../logging/create-logger.js";
import type { Executor, StartedWorker, WorkerExit, WorkerLaunch, WorkerStartup } from "../executor.js";
import { jobOutcome } from "./job-outcome.js";
import { createKubernetesClients, type KubernetesClients } from "./kubernetes-clients.js";
import { kubernetesMessage, statusCodeOf } from "./kubernetes-errors.js";
import { savePodLog } from "./pod-log.js";
import { podStartup } from "./pod-startup.js";
import { buildWorkerJob, JOB_ID_LABEL, type WorkerJobOptions } from "./worker-job.js";

// Runs each job's worker as a batch/v1 Job, so the cluster's scheduler spreads jobs over its nodes. The API
// watches its worker Jobs (an informer: one list, then a watch) and learns from them how each worker ended,
// including what the worker itself could not report: an OOM kill, an eviction, a deadline.

type KubernetesRecord = Extract<WorkerRecord, { executor: "kubernetes" }>;

export interface KubernetesExecutorOptions extends WorkerJobOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** How long stop() waits for a deleted Job's pod to be gone. */
  readonly stopTimeoutMs?: number;
  /** How long to wait before watching again after the watch failed. */
  readonly rewatchDelayMs?: number;
  /** The API clients; built from kubeConfig when absent (tests hand in stand-ins). */
  readonly clients?: KubernetesClients;
}

interface Waiter {
  readonly record: KubernetesRecord;
  readonly promise: Promise<WorkerExit>;
  readonly resolve: (exit: WorkerExit) => void;
  settling: boolean;
}

export class KubernetesExecutor implements Executor {
  readonly #options: KubernetesExecutorOptions;
  readonly #batch: KubernetesClients["batch"];
  readonly #core: KubernetesClients["core"];
  readonly #informer: Informer<V1Job> & ObjectCache<V1Job>;
  readonly #waiters = new Map<string, Waiter>();
  readonly #log: Logger;
  #closed = false;
  #rewatch: NodeJS.Timeout | undefined;

  /** Connects and reads the namespace's worker Jobs once; fails if the API cannot be reached or refuses. */
  static async connect(options: KubernetesExecutorOptions): Promise<KubernetesExecutor> {
    const executor = new KubernetesExecutor(options);
    await executor.#watch();
    return executor;
  }

  private constructor(options: KubernetesExecutorOptions) {
    this.#options = options;
    this.#log = options.logger;
    const clients = options.clients ?? createKubernetesClients(options.kubeConfig, options.namespace);
    this.#batch = clients.batch;
    this.#core = clients.core;
    this.#informer = clients.informer;
    this.#informer.on("add", (job) => this.#examine(job));
    this.#informer.on("update", (job) => this.#examine(job));
    this.#informer.on("delete", (job) => this.#deleted(job));
  }

  async #watch(): Promise<void> {
    let failure: unknown;
    const onFirstError = (error: unknown): void => {
      failure = error;
    };
    this.#informer.on("error", onFirstError);
    await this.#informer.start();
    this.#informer.off("error", onFirstError);
    if (failure !== undefined) {
      await this.#informer.stop();
      throw new Error(
        `cannot watch worker Jobs in namespace ${this.#options.namespace}: ${kubernetesMessage(failure)}`,
        { cause: failure },
      );
    }
    // The informer resumes by itself after a timeout; after any other error it stops, so start it again.
    this.#informer.on("error", (error: unknown) => {
      if (this.#closed) return;
      this.#log.warn({ err: error }, "watching worker Jobs failed; watching again");
      this.#rewatch = setTimeout(() => void this.#informer.start(), this.#options.rewatchDelayMs ?? 2_000);
      this.#rewatch.unref();
    });
  }

  async start(launch: WorkerLaunch): Promise<StartedWorker> {
    const { namespace } = this.#options;
    const body = buildWorkerJob(launch, this.#options);
    const name = body.metadata?.name ?? "";
    let job: V1Job;
    try {
      job = await this.#batch.createNamespacedJob({ namespace, body });
    } catch (error) {
      // An API that stopped between creating the Job and recording it left the Job behind: carry on with it.
      const existing = statusCodeOf(error) === 409 ? await this.#readJob(name) : undefined;
      if (existing?.metadata?.labels?.[JOB_ID_LABEL] !== launch.jobId) {
        throw new Error(`could not create Kubernetes Job ${namespace}/${name}: ${kubernetesMessage(error)}`, {
          cause: error,
        });
      }
      job = existing;
    }
    const uid = job.metadata?.uid || (await this.#readJob(name))?.metadata?.uid;
    if (!uid) {
      // Without its uid the Job cannot be told from a later one of the same name, nor followed, nor safely
      // stopped: remove it while it is surely ours, and fail the start.
      await this.#batch
        .deleteNamespacedJob({ name, namespace, body: { propagationPolicy: "Background" } })
        .catch(() => undefined);
      throw new Error(
        `Kubernetes Job ${namespace}/${name} has no uid: it cannot be followed, so it was deleted`,
      );
    }
    const record: KubernetesRecord = {
      executor: "kubernetes",
      namespace,
      name,
      uid,
      // This process's clock, as JOB_TIMEOUT and the heartbeat rules read it (the server's times are to the second).
      startedAt: new Date().toISOString(),
    };
    const exited = this.#waitFor(record);
    this.#examine(this.#informer.get(name, namespace) ?? job);
    return { record, exited };
  }

  follow(record: WorkerRecord): Promise<WorkerExit> | undefined {
    if (record.executor !== "kubernetes") return undefined;
    const exited = this.#waitFor(record);
    const job = this.#informer.get(record.name, record.namespace);
    if (job?.metadata?.uid === record.uid) this.#examine(job);
    else this.#settle(record.uid, { exitCode: undefined, signal: undefined, reason: gone(record) });
    return exited;
  }

  isAlive(record: WorkerRecord): boolean {
    // A worker of another executor cannot be seen from here; its heartbeat says whether it lives.
    if (record.executor !== "kubernetes") return true;
    const waiter = this.#waiters.get(record.uid);
    if (waiter !== undefined) return !waiter.settling;
    const job = this.#informer.get(record.name, record.namespace);
    return job?.metadata?.uid === record.uid && !jobOutcome(job).ended;
  }

  async startup(record: WorkerRecord): Promise<WorkerStartup> {
    if (record.executor !== "kubernetes") return { state: "running" };
    const pods = await this.#podsOf(record).catch((error: unknown) => {
      this.#log.warn({ job: record.name, err: error }, "could not read the worker's pod");
      return undefined;
    });
    // Unknown: then the worker is judged by its heartbeat alone.
    if (pods === undefined) return { state: "running" };
    const startup = podStartup(pods);
    if (startup.state !== "running")
      this.#log.info({ job: record.name, ...startup }, "worker not started yet");
    return startup;
  }

  /** Deletes the Job (its pod goes with it, in the background) and waits until the pod is gone. */
  async stop(record: WorkerRecord): Promise<void> {
    if (record.executor !== "kubernetes") return;
    const { name, namespace, uid } = record;
    try {
      await this.#batch.deleteNamespacedJob({
        name,
        namespace,
        // In the body, not the query: with a body the server reads only the body, and a batch/v1 Job deleted
        // without a propagation policy orphans its pod, leaving the worker running. The uid precondition
        // deletes only this Job, never a later one of the same name.
        body: { propagationPolicy: "Background", preconditions: { uid } },
      });
    } catch (error) {
      const code = statusCodeOf(error);
      if (code !== 404 && code !== 409) {
        throw new Error(`could not delete Kubernetes Job ${namespace}/${name}: ${kubernetesMessage(error)}`, {
          cause: error,
        });
      }
    }
    const deadline = Date.now() + (this.#options.stopTimeoutMs ?? 60_000);
    while ((await this.#podsOf(record)).length > 0) {
      if (Date.now() >= deadline) {
        this.#log.warn({ job: `${namespace}/${name}` }, "the stopped worker's pod is still there");
        return;
      }
      await sleep(250);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#rewatch !== undefined) clearTimeout(this.#rewatch);
    await this.#informer.stop();
  }

  #waitFor(record: KubernetesRecord): Promise<WorkerExit> {
    const existing = this.#waiters.get(record.uid);
    if (existing !== undefined) return existing.promise;
    let resolve!: (exit: WorkerExit) => void;
    const promise = new Promise<WorkerExit>((r) => (resolve = r));
    this.#waiters.set(record.uid, { record, promise, resolve, settling: false });
    return promise;
  }

  /** A Job changed: if it is one we wait for and it has ended, find out how and report it. */
  #examine(job: V1Job): void {
    const waiter = this.#waiters.get(job.metadata?.uid ?? "");
    if (waiter === undefined || waiter.settling || !jobOutcome(job).ended) return;
    waiter.settling = true;
    void this.#explain(job, waiter.record).then((exit) => this.#settle(waiter.record.uid, exit));
  }

  #deleted(job: V1Job): void {
    const waiter = this.#waiters.get(job.metadata?.uid ?? "");
    if (waiter === undefined || waiter.settling) return;
    this.#settle(waiter.record.uid, {
      exitCode: undefined,
      signal: undefined,
      reason: `Kubernetes Job ${waiter.record.namespace}/${waiter.record.name} was deleted before it finished`,
    });
  }

  #settle(uid: string, exit: WorkerExit): void {
    const waiter = this.#waiters.get(uid);
    if (waiter === undefined) return;
    this.#waiters.delete(uid);
    waiter.resolve(exit);
  }

  /** How an ended Job went, with its pod's account (OOMKilled, exit code) and its log saved to the job. */
  async #explain(job: V1Job, record: KubernetesRecord): Promise<WorkerExit> {
    const pods = await this.#podsOf(record).catch((error: unknown) => {
      this.#log.warn({ job: record.name, err: error }, "could not read the worker's pods");
      return [];
    });
    const outcome = jobOutcome(job, pods);
    if (!outcome.ended) return { exitCode: undefined, signal: undefined };
    const saved = await savePodLog(this.#core, job, record.namespace, pods[0]?.metadata?.name, this.#log);
    if (outcome.succeeded) return { exitCode: 0, signal: undefined };
    return {
      exitCode: outcome.exitCode,
      signal: undefined,
      reason: outcome.reason,
      ...(saved === undefined ? {} : { logHint: `its log is in ${path.basename(saved)}` }),
    };
  }

  async #podsOf(record: KubernetesRecord) {
    const list = await this.#core.listNamespacedPod({
      namespace: record.namespace,
      labelSelector: `controller-uid=${record.uid}`,
    });
    return list.items;
  }

  async #readJob(name: string): Promise<V1Job | undefined> {
    return this.#batch.readNamespacedJob({ name, namespace: this.#options.namespace }).catch(() => undefined);
  }
}

function gone(record: KubernetesRecord): string {
  return `Kubernetes Job ${record.namespace}/${record.name} no longer exists (removed while no API watched it)`;
}
