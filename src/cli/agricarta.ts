#!/usr/bin/env node
import { parseArgs } from "node:util";
import { errorMessage } from "../common/errors.js";

// agricarta: the command-line client. It talks HTTP to the service's API, never to its files.
//   agricarta submit <scene...> [--resolution M] [--cores N] [--product P] [--delete-intermediate] [--wait]
//   agricarta status <jobId> | list [--status S] [--limit N] | cancel <jobId> | logs <jobId>
// Every command takes --url (AGRICARTA_URL, default http://localhost:5000), --key (AGRICARTA_API_KEY) and
// --json (machine-readable output on stdout). Exit codes: 0 done, 1 the service refused or the job failed,
// 2 bad usage, 3 the service could not be reached.

const USAGE = `usage: agricarta <command> [options]
  submit <scene...>   submit a job (Landsat 8/9, Sentinel-2, RADARSAT-2 and RCM ids, mixed)
                      [--resolution M] [--cores N] [--product dn|radiance|toa|sr] [--delete-intermediate] [--wait]
  status <jobId>      a job's status
  list                jobs, newest first  [--status S] [--limit N]
  cancel <jobId>      cancel a queued or running job
  logs <jobId>        the job's job_log.txt
options: --url URL (or AGRICARTA_URL; default http://localhost:5000)  --key KEY (or AGRICARTA_API_KEY)  --json
`;

const JOBS = "/agricarta/preprocessing";

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface Job {
  jobID: string;
  status: string;
  message: string;
  progress: number;
  created: string;
  outputDir?: string;
  scenes: { id: string; status: string; message: string; outputs: string[] }[];
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      json: { type: "boolean", default: false },
      wait: { type: "boolean", default: false },
      resolution: { type: "string" },
      cores: { type: "string" },
      product: { type: "string" },
      "delete-intermediate": { type: "boolean" },
      status: { type: "string" },
      limit: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const client = new Client(
    values.url ?? process.env["AGRICARTA_URL"] ?? "http://localhost:5000",
    values.key ?? process.env["AGRICARTA_API_KEY"],
  );
  const print = (value: unknown, text: string): void => {
    process.stdout.write(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);
  };
  const one = (what: string): string => {
    if (args.length !== 1) throw new CliError(`${command} needs one ${what}\n${USAGE}`, 2);
    return args[0]!;
  };

  switch (command) {
    case "submit": {
      if (args.length === 0) throw new CliError(`submit needs at least one scene id\n${USAGE}`, 2);
      const body: Record<string, unknown> = { imagery_list: args };
      if (values.resolution !== undefined) body["resolution"] = numberOption("resolution", values.resolution);
      if (values.cores !== undefined) body["cores"] = numberOption("cores", values.cores);
      if (values.product !== undefined) body["product"] = values.product;
      if (values["delete-intermediate"] !== undefined)
        body["delete_intermediate"] = values["delete-intermediate"];
      let job = await client.request<Job>("POST", JOBS, body);
      if (!values.wait) {
        print(job, `${job.jobID}\n`);
        return 0;
      }
      process.stderr.write(`job ${job.jobID}\n`);
      const bar = new ProgressBar();
      while (!["successful", "failed", "dismissed"].includes(job.status)) {
        bar.show(job.progress, job.message);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        job = await client.request<Job>("GET", `${JOBS}/${job.jobID}`);
      }
      bar.show(job.progress, job.message);
      bar.done();
      print(job, describe(job));
      return job.status === "successful" ? 0 : 1;
    }
    case "status": {
      const job = await client.request<Job>("GET", `${JOBS}/${one("job id")}`);
      print(job, describe(job));
      return 0;
    }
    case "list": {
      const query = new URLSearchParams();
      if (values.status !== undefined) query.set("status", values.status);
      if (values.limit !== undefined) query.set("limit", values.limit);
      const page = await client.request<{ jobs: Job[] }>("GET", `${JOBS}?${query.toString()}`);
      print(
        page,
        page.jobs
          .map(
            (j) =>
              `${j.jobID}  ${j.status.padEnd(10)} ${String(j.progress).padStart(3)}%  ${j.created}  ${j.scenes.map((s) => s.id).join(",")}\n`,
          )
          .join(""),
      );
      return 0;
    }
    case "cancel": {
      const job = await client.request<Job>("DELETE", `${JOBS}/${one("job id")}`);
      print(job, `${job.jobID} ${job.status}\n`);
      return 0;
    }
    case "logs": {
      const text = await client.request<string>("GET", `${JOBS}/${one("job id")}/log`);
      print({ log: text }, text);
      return 0;
    }
    default:
      throw new CliError(`unknown command ${command}\n${USAGE}`, 2);
  }
}

function numberOption(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || Number.isNaN(value)) throw new CliError(`--${name} must be a number`, 2);
  return value;
}

function describe(job: Job): string {
  const lines = [`${job.jobID}: ${job.status} ${job.progress}% - ${job.message}`];
  for (const scene of job.scenes) {
    lines.push(`  ${scene.id}: ${scene.status} (${scene.message})`);
    for (const output of scene.outputs) lines.push(`    ${output}`);
  }
  if (job.outputDir !== undefined) lines.push(`results: IMAGERY_STORAGE/${job.outputDir}/`);
  return `${lines.join("\n")}\n`;
}

class Client {
  constructor(
    readonly baseUrl: string,
    readonly key: string | undefined,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let url: URL;
    try {
      url = new URL(path, this.baseUrl);
    } catch {
      throw new CliError(`not a URL: ${this.baseUrl}`, 2);
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.key !== undefined && this.key !== "") headers["authorization"] = `Bearer ${this.key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } })
        .cause;
      const reason = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? errorMessage(error);
      throw new CliError(`cannot reach the service at ${this.baseUrl} (${reason})`, 3);
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = text;
      try {
        const problem = JSON.parse(text) as {
          title?: string;
          detail?: string;
          errors?: { field: string; message: string }[];
        };
        detail = [
          problem.detail ?? problem.title,
          ...(problem.errors ?? []).map((e) => `  ${e.field}: ${e.message}`),
        ]
          .filter(Boolean)
          .join("\n");
      } catch {
        // not problem+json: show it as it came
      }
      throw new CliError(`${res.status} ${res.statusText}: ${detail}`, 1);
    }
    return (res.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text) as T;
  }
}

/** A one-line progress bar on stderr, redrawn in place on a terminal; one line per change otherwise. */
class ProgressBar {
  #last = "";
  readonly #tty = process.stderr.isTTY;

  show(percent: number, message: string): void {
    const width = 30;
    const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * width);
    const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(percent)).padStart(3)}%  ${message}`;
    if (line === this.#last) return;
    this.#last = line;
    process.stderr.write(this.#tty ? `\r\x1b[K${line}` : `${line}\n`);
  }

  done(): void {
    if (this.#tty) process.stderr.write("\n");
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`agricarta: ${error.message.trimEnd()}\n`);
      process.exit(error.exitCode);
    }
    if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") === true) {
      process.stderr.write(`agricarta: ${errorMessage(error)}\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`agricarta: ${String((error as Error).stack ?? error)}\n`);
    process.exit(1);
  },
);
