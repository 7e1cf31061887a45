import type { RequestHandler } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { JobService } from "../jobs/job-service.js";
import { JobStateSchema, type StatusDocument } from "../jobs/status-document.js";
import type { WorkerFigures } from "../jobs/worker-figures.js";

// Prometheus metrics (prom-client), served at /metrics. HTTP figures come from the requests themselves; job
// figures from the job service when it sees a job end, with what the worker measured read from the job
// directory (figures.json); the queue and job counts are read when Prometheus scrapes.

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"method" | "route" | "status">;
  readonly #latency: Histogram<"method" | "route" | "status">;
  readonly #jobDuration: Histogram<"process" | "status">;
  readonly #sceneDuration: Histogram;
  readonly #jobsEnded: Counter<"process" | "status">;
  readonly #scenes: Counter<"status">;
  readonly #bytes: Counter;
  #jobs: JobService | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "agricarta_" });
    const registers = [this.registry];
    this.#requests = new Counter({
      name: "agricarta_http_requests_total",
      help: "HTTP requests answered, by method, route and status code",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.#latency = new Histogram({
      name: "agricarta_http_request_duration_seconds",
      help: "HTTP request latency, by method, route and status code",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#jobDuration = new Histogram({
      name: "agricarta_job_duration_seconds",
      help: "Time from a job's start to its end, by process and final status",
      labelNames: ["process", "status"],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
      registers,
    });
    this.#sceneDuration = new Histogram({
      name: "agricarta_scene_duration_seconds",
      help: "Time the worker spent processing one scene (successful scenes)",
      buckets: [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.#jobsEnded = new Counter({
      name: "agricarta_jobs_ended_total",
      help: "Jobs this server saw end, by process and final status",
      labelNames: ["process", "status"],
      registers,
    });
    this.#scenes = new Counter({
      name: "agricarta_scenes_total",
      help: "Scenes of ended jobs, by outcome (successful, skipped, failed)",
      labelNames: ["status"],
      registers,
    });
    this.#bytes = new Counter({
      name: "agricarta_output_bytes_total",
      help: "Bytes of published outputs, as the workers measured them",
      registers,
    });
    const jobs = (): JobService | undefined => this.#jobs;
    new Gauge({
      name: "agricarta_jobs",
      help: "Jobs in the working directory, by status",
      labelNames: ["status"],
      registers,
      async collect() {
        const service = jobs();
        if (service === undefined) return;
        const counts = await service.countByStatus();
        for (const status of JobStateSchema.options) this.set({ status }, counts[status] ?? 0);
      },
    });
    new Gauge({
      name: "agricarta_queue_depth",
      help: "Jobs waiting for a worker",
      registers,
      collect() {
        this.set(jobs()?.queuedCount ?? 0);
      },
    });
    new Gauge({
      name: "agricarta_running_jobs",
      help: "Jobs this API runs now (0 on a replica that does not lead)",
      registers,
      collect() {
        this.set(jobs()?.runningCount ?? 0);
      },
    });
    new Gauge({
      name: "agricarta_running_workers",
      help: "Task workers (scene pods or processes) this API runs now",
      registers,
      collect() {
        this.set(jobs()?.workerCount ?? 0);
      },
    });
    new Gauge({
      name: "agricarta_leader",
      help: "1 when this API replica leads (runs the queue and the workers), else 0",
      registers,
      collect() {
        this.set(jobs()?.leading === true ? 1 : 0);
      },
    });
  }

  /** The job service whose queue and jobs the gauges read. */
  watch(jobs: JobService): void {
    this.#jobs = jobs;
  }

  /** For JobService's onJobEnded. */
  readonly jobEnded = (doc: StatusDocument, figures: WorkerFigures | undefined): void => {
    this.#jobsEnded.inc({ process: doc.processID, status: doc.status });
    if (doc.started !== undefined && doc.finished !== undefined) {
      const seconds = (Date.parse(doc.finished) - Date.parse(doc.started)) / 1000;
      this.#jobDuration.observe({ process: doc.processID, status: doc.status }, Math.max(0, seconds));
    }
    for (const scene of doc.scenes) {
      if (scene.status === "successful" || scene.status === "skipped" || scene.status === "failed") {
        this.#scenes.inc({ status: scene.status });
      }
    }
    if (figures !== undefined) {
      for (const seconds of Object.values(figures.sceneSeconds)) this.#sceneDuration.observe(seconds);
      this.#bytes.inc(figures.bytesWritten);
    }
  };

  /** Counts and times every request by its route pattern (not its URL, so job ids do not make new series). */
  readonly middleware: RequestHandler = (req, res, next) => {
    const end = this.#latency.startTimer();
    res.on("finish", () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === "string" ? `${req.baseUrl}${pattern}` : "unmatched";
      const labels = { method: req.method, route, status: String(res.statusCode) };
      this.#requests.inc(labels);
      end(labels);
    });
    next();
  };

  readonly endpoint: RequestHandler = (_req, res, next) => {
    this.registry
      .metrics()
      .then((text) => res.type(this.registry.contentType).send(text))
      .catch(next);
  };
}
