import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { errnoCode } from "../common/errors.js";

// Idempotency-Key records: which job a client's key created, and a fingerprint of the request that created
// it. One small file per (owner, key) under WORKING_DIR/.idempotency, created with link(2) so that exactly
// one request wins a key, across processes too, and a record is never seen half-written.

const RecordSchema = z.strictObject({
  jobId: z.uuid(),
  fingerprint: z.string(),
  created: z.iso.datetime(),
});
type IdempotencyRecord = z.infer<typeof RecordSchema>;

export interface IdempotencyClaim extends IdempotencyRecord {
  /** true when this call created the record; false when it was already there. */
  readonly fresh: boolean;
}

/** A stable digest of a JSON value: object keys sorted, so key order in the body does not matter. */
export function requestFingerprint(value: unknown): string {
  return crypto.createHash("sha256").update(canonicalJson(value)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export class IdempotencyStore {
  readonly #dir: string;

  constructor(workingDir: string) {
    this.#dir = path.join(workingDir, ".idempotency");
  }

  /** The record for (owner, key): the existing one, or a new one naming jobId. */
  async claim(owner: string, key: string, fingerprint: string, jobId: string): Promise<IdempotencyClaim> {
    const file = this.#file(owner, key);
    const record: IdempotencyRecord = { jobId, fingerprint, created: new Date().toISOString() };
    await fs.mkdir(this.#dir, { recursive: true });
    const temp = `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;
    await fs.writeFile(temp, JSON.stringify(record));
    try {
      await fs.link(temp, file);
      return { ...record, fresh: true };
    } catch (error) {
      if (errnoCode(error) !== "EEXIST") throw error;
      return { ...RecordSchema.parse(JSON.parse(await fs.readFile(file, "utf8"))), fresh: false };
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  /** Forgets a record this process just created for a request that was then refused. */
  async release(owner: string, key: string): Promise<void> {
    await fs.rm(this.#file(owner, key), { force: true });
  }

  /** Removes records older than maxAgeMs; returns how many. */
  async sweep(maxAgeMs: number, now: Date): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(this.#dir);
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.#dir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat !== undefined && now.getTime() - stat.mtimeMs > maxAgeMs) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  #file(owner: string, key: string): string {
    const digest = crypto.createHash("sha256").update(`${owner}\n${key}`).digest("hex");
    return path.join(this.#dir, `${digest}.json`);
  }
}
