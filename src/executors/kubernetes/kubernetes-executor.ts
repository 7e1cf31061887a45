import path from "node:path";
import type { Informer, KubeConfig, ObjectCache, V1Job } from "@kubernetes/client-node";
import type { WorkerRecord } from "../worker-record.js";
import type { Logger } from "../../logging/create-logger.js";
import type { Executor, StartedWorker, WorkerExit, WorkerLaunch, WorkerStartup } from "../executor.js";
import { deleteWorkerJob, listJobTargets, removeWorkerJobs, type JobTarget } from "./job-removal.js";
import { jobOutcome } from "./job-outcome.js";
import { createKubernetesClients, type KubernetesClients } from "./kubernetes-clients.js";
import { kubernetesMessage, statusCodeOf } from "./kubernetes-errors.js";
import { startLostWorkerCheck } from "./lost-workers.js";
import { savePodLog } from "./pod-log.js";
import { podStartup } from "./pod-startup.js";
import { buildWorkerJob, isJobOf, jobSelector, type WorkerJobOptions } from "./worker-job.js";
import { WorkerWaiters, type KubernetesRecord } from "./worker-waiters.js";

// Runs each task's worker as a batch/v1 Job (one per attempt), so the cluster's scheduler spreads them over its
// nodes. The API watches its worker Jobs (an informer: one list, then a watch) and learns from them how each
// worker ended, including what the worker itself could not report: an OOM kill, an eviction, a deadline; and it
// looks at their pods now and then for a worker lost with its node.

export interface KubernetesExecutorOptions extends WorkerJobOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** How long stop() and stopAll() wait for the deleted Jobs' pods to be gone. */
  readonly stopTimeoutMs?: number;
  /** How often the pods of running workers are checked for one lost with its node (lostWorker). */
  readonly lostWorkerCheckMs?: number;
  /** How long to wait before watching again after the watch failed. */
  readonly rewatchDelayMs?: number;
  /** The API clients; built from kubeConfig when absent (tests hand in stand-ins). */
  readonly clients?: KubernetesClients;
}

export class KubernetesExecutor implements Executor {
  readonly #options: KubernetesExecutorOptions;
  readonly #batch: KubernetesClients["batch"];
  readonly #core: KubernetesClients["core"];
  readonly #informer: Informer<V1Job> & ObjectCache<V1Job>;
  readonly #waiters = new WorkerWaiters();
  readonly #log: Logger;
  #closed = false;
  #rewatch: NodeJS.Timeout | undefined;
  #lostCheck: { stop(): void } | undefined;

  /** Connects and reads the namespace's worker Jobs once; fails if the API cannot be reached or refuses. */
  static async connect(options: KubernetesExecutorOptions): Promise<KubernetesExecutor> {
    const executor = new KubernetesExecutor(options);
    await executor.#watch();
    executor.#lostCheck = startLostWorkerCheck({
      core: executor.#core,
      namespace: options.namespace,
      intervalMs: options.lostWorkerCheckMs ?? 15_000,
      candidates: () => executor.#followedJobs(),
      onLost: (uid, reason) => executor.#lost(uid, reason),
      logger: options.logger,
    });
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
      // An API that stopped between creating the Job and recording it left the Job behind: carry on with it, if it
      // runs the same attempt at the same task of the same job.
      const existing = statusCodeOf(error) === 409 ? await this.#readJob(name) : undefined;
      if (existing === undefined || !isJobOf(existing, launch)) {
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
    const exited = this.#waiters.waitFor(record);
    this.#examine(this.#informer.get(name, namespace) ?? job);
    return { record, exited };
  }

  follow(record: WorkerRecord): Promise<WorkerExit> | undefined {
    if (record.executor !== "kubernetes") return undefined;
    const exited = this.#waiters.waitFor(record);
    const job = this.#informer.get(record.name, record.namespace);
    if (job?.metadata?.uid === record.uid) this.#examine(job);
    else this.#waiters.settle(record.uid, { exitCode: undefined, signal: undefined, reason: gone(record) });
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
    this.#waiters.markStopping(record.uid);
    await removeWorkerJobs(this.#clients(), {
      targets: [record],
      pods: { namespaces: [record.namespace], labelSelector: `controller-uid=${record.uid}` },
      timeoutMs: this.#options.stopTimeoutMs ?? 60_000,
      logger: this.#log,
    });
  }

  /**
   * Deletes every worker Job of the job: those recorded, and those in the namespace labelled with its id (one an
   * API created but did not live to record), then waits until none of their pods is left.
   */
  async stopAll(jobId: string, records: readonly WorkerRecord[]): Promise<void> {
    const { namespace } = this.#options;
    const targets = new Map<string, JobTarget>();
    for (const record of records) if (record.executor === "kubernetes") targets.set(record.uid, record);
    // A Job that cannot be listed may be left; those recorded are stopped all the same.
    const failures: unknown[] = [];
    const listed = await listJobTargets(this.#batch, namespace, jobId).catch((error: unknown) => {
      failures.push(error);
      return [];
    });
    for (const target of listed) targets.set(target.uid, target);
    for (const uid of targets.keys()) this.#waiters.markStopping(uid);
    const namespaces = [namespace, ...[...targets.values()].map((t) => t.namespace)];
    await removeWorkerJobs(this.#clients(), {
      targets: [...targets.values()],
      pods: { namespaces, labelSelector: jobSelector(jobId) },
      timeoutMs: this.#options.stopTimeoutMs ?? 60_000,
      failures,
      logger: this.#log,
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#rewatch !== undefined) clearTimeout(this.#rewatch);
    this.#lostCheck?.stop();
    await this.#informer.stop();
  }

  /** A Job changed: if it is one we wait for and it has ended, find out how and report it. */
  #examine(job: V1Job): void {
    const waiter = this.#waiters.get(job.metadata?.uid);
    if (waiter === undefined || waiter.settling || !jobOutcome(job).ended) return;
    waiter.settling = true;
    void this.#explain(job, waiter.record).then((exit) => this.#waiters.settle(waiter.record.uid, exit));
  }

  #deleted(job: V1Job): void {
    const waiter = this.#waiters.get(job.metadata?.uid);
    if (waiter === undefined || waiter.settling) return;
    this.#waiters.settle(waiter.record.uid, {
      exitCode: undefined,
      signal: undefined,
      reason: `Kubernetes Job ${waiter.record.namespace}/${waiter.record.name} was deleted before it finished`,
    });
  }

  /** The Jobs of the workers followed in this namespace, not being stopped: those the lost-worker check reads. */
  #followedJobs(): V1Job[] {
    return this.#waiters.following().flatMap(({ record }) => {
      const job = this.#informer.get(record.name, record.namespace);
      return record.namespace === this.#options.namespace && job?.metadata?.uid === record.uid ? [job] : [];
    });
  }

  /**
   * A worker whose pod was deleted before it ended (its node lost, a drain) is lost, but its Job has not failed:
   * the Job controller would start a replacement pod on the same attempt. Its Job is deleted and the worker
   * reported ended with the cause, so that the API runs a new attempt. The pod of a lost node may never go, so
   * this does not wait for it.
   */
  async #lost(uid: string, reason: string): Promise<void> {
    const waiter = this.#waiters.get(uid);
    if (waiter === undefined || waiter.settling || waiter.stopping) return;
    // The Job as it is now, not as the watch last had it: one that has ended or gone meanwhile says so itself.
    const job = await this.#readJob(waiter.record.name);
    if (job?.metadata?.uid !== uid || job.metadata.deletionTimestamp != null || jobOutcome(job).ended) return;
    if (waiter.settling || waiter.stopping) return;
    waiter.settling = true;
    this.#log.warn({ job: waiter.record.name, reason }, "worker lost; deleting its Job");
    await deleteWorkerJob(this.#batch, waiter.record).catch((error: unknown) =>
      this.#log.warn({ job: waiter.record.name, err: error }, "could not delete the lost worker's Job"),
    );
    this.#waiters.settle(uid, { exitCode: undefined, signal: undefined, reason });
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

  #clients(): Pick<KubernetesClients, "batch" | "core"> {
    return { batch: this.#batch, core: this.#core };
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
