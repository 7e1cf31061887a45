import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../common/atomic-write.js";
import { errnoCode } from "../common/errors.js";
import type { Logger } from "../logging/create-logger.js";

// The local executor runs its workers inside one API process, so one process must run the jobs of a working
// directory. Two API processes on one WORKING_DIR with the local executor are a misconfiguration (a Deployment
// scaled past 1, a second server started by hand): this file in the working directory says which process runs
// the jobs, with its heartbeat. Another process says so at start-up, answers requests (the jobs it accepts are
// run by the holder, which finds them in the directory) and takes over only once the holder has gone quiet.

const HolderSchema = z.strictObject({ host: z.string(), pid: z.number().int(), heartbeat: z.iso.datetime() });
type Holder = z.infer<typeof HolderSchema>;

export interface WorkingDirLeaseOptions {
  readonly workingDir: string;
  readonly logger: Logger;
  /** How often the holder refreshes its heartbeat (and others look again). */
  readonly renewMs?: number;
  /** A holder not heard from for this long is gone. */
  readonly staleMs?: number;
  readonly now?: () => Date;
}

export class WorkingDirLease {
  readonly #file: string;
  readonly #logger: Logger;
  readonly #renewMs: number;
  readonly #staleMs: number;
  readonly #now: () => Date;
  readonly #me: { host: string; pid: number } = { host: os.hostname(), pid: process.pid };
  #timer: NodeJS.Timeout | undefined;
  #holding = false;
  #warned = false;

  constructor(options: WorkingDirLeaseOptions) {
    this.#file = path.join(options.workingDir, ".local-executor.json");
    this.#logger = options.logger;
    this.#renewMs = options.renewMs ?? 5_000;
    this.#staleMs = options.staleMs ?? 3 * this.#renewMs;
    this.#now = options.now ?? (() => new Date());
  }

  get holding(): boolean {
    return this.#holding;
  }

  /** Claims the working directory now or, while another process holds it, as soon as that one goes quiet. */
  async start(onStartedLeading: () => void): Promise<void> {
    const attempt = async (): Promise<void> => {
      if (this.#holding) {
        await this.#write().catch((error: unknown) => this.#logger.warn({ err: error }, "could not renew"));
        return;
      }
      const holder = await this.#read();
      if (holder !== undefined && this.#isOther(holder) && this.#alive(holder)) {
        if (!this.#warned) {
          this.#warned = true;
          this.#logger.error(
            { holder },
            `another API process (pid ${holder.pid} on ${holder.host}) runs the jobs of this WORKING_DIR with ` +
              "the local executor, which runs one replica: this one answers requests and starts no job until " +
              "that one stops (for more replicas use EXECUTOR kubernetes with LEADER_ELECTION)",
          );
        }
        return;
      }
      await this.#write();
      // Two processes starting together may both have written: the one whose write is there leads.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const written = await this.#read();
      if (written === undefined || this.#isOther(written)) return;
      this.#holding = true;
      onStartedLeading();
    };
    await attempt();
    this.#timer = setInterval(() => {
      attempt().catch((error: unknown) =>
        this.#logger.warn({ err: error }, "working directory lease failed"),
      );
    }, this.#renewMs);
    this.#timer.unref();
  }

  /** Stops; a holder gives the directory up at once. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (!this.#holding) return;
    this.#holding = false;
    const holder = await this.#read();
    if (holder !== undefined && !this.#isOther(holder)) await fs.rm(this.#file, { force: true });
  }

  #isOther(holder: Holder): boolean {
    return holder.host !== this.#me.host || holder.pid !== this.#me.pid;
  }

  /** Heard from lately, and on this host a process that still exists. */
  #alive(holder: Holder): boolean {
    if (this.#now().getTime() - Date.parse(holder.heartbeat) > this.#staleMs) return false;
    if (holder.host !== this.#me.host) return true;
    try {
      process.kill(holder.pid, 0);
      return true;
    } catch (error) {
      return errnoCode(error) === "EPERM";
    }
  }

  async #read(): Promise<Holder | undefined> {
    try {
      const parsed = HolderSchema.safeParse(JSON.parse(await fs.readFile(this.#file, "utf8")));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async #write(): Promise<void> {
    await fs.mkdir(path.dirname(this.#file), { recursive: true });
    const holder: Holder = { ...this.#me, heartbeat: this.#now().toISOString() };
    await writeFileAtomic(this.#file, `${JSON.stringify(holder)}\n`);
  }
}
