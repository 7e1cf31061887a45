import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IdempotencyStore, requestFingerprint } from "../../../src/jobs/idempotency-store.js";

// Idempotency-Key records on a temp dir: one winner per (owner, key), read back as written, swept by age.

let dir: string;
let store: IdempotencyStore;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-idem-"));
  store = new IdempotencyStore(dir);
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const records = async () => fs.readdir(path.join(dir, ".idempotency")).catch(() => []);

describe("IdempotencyStore", () => {
  it("creates a record on first use and returns it, not fresh, on every later one", async () => {
    const first = await store.claim("alice", "order-1", "f1", uuidv7());
    expect(first.fresh).toBe(true);
    const again = await store.claim("alice", "order-1", "f2", uuidv7());
    expect(again).toMatchObject({ fresh: false, jobId: first.jobId, fingerprint: "f1" });
    expect(await records()).toHaveLength(1);
  });

  it("keeps keys apart per owner", async () => {
    const alices = await store.claim("alice", "k", "f", uuidv7());
    const bobs = await store.claim("bob", "k", "f", uuidv7());
    expect(bobs.fresh).toBe(true);
    expect(bobs.jobId).not.toBe(alices.jobId);
  });

  it("lets exactly one of many concurrent claims win, and all see the winner's job", async () => {
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => store.claim("alice", "burst", "f", uuidv7())),
    );
    expect(claims.filter((c) => c.fresh)).toHaveLength(1);
    expect(new Set(claims.map((c) => c.jobId)).size).toBe(1);
    // No temporary files are left beside the record.
    expect(await records()).toHaveLength(1);
  });

  it("forgets a released record, so the key can be claimed afresh", async () => {
    await store.claim("alice", "k", "f", uuidv7());
    await store.release("alice", "k");
    expect((await store.claim("alice", "k", "g", uuidv7())).fresh).toBe(true);
  });

  it("sweeps records older than the given age, and nothing when there is no record yet", async () => {
    const now = new Date();
    expect(await store.sweep(1_000, now)).toBe(0);
    await store.claim("alice", "old", "f", uuidv7());
    const [old] = await records();
    // Age that record by its modification time.
    const hourAgo = new Date(now.getTime() - 3_600_000);
    await fs.utimes(path.join(dir, ".idempotency", old!), hourAgo, hourAgo);
    await store.claim("alice", "new", "f", uuidv7());
    expect(await store.sweep(60_000, now)).toBe(1);
    expect(await records()).not.toContain(old);
    expect(await records()).toHaveLength(1);
  });
});

describe("requestFingerprint", () => {
  it("ignores the order of object keys, not the order of array items or the values", () => {
    expect(requestFingerprint({ a: 1, b: [1, 2], c: { x: 1, y: null } })).toBe(
      requestFingerprint({ c: { y: null, x: 1 }, b: [1, 2], a: 1 }),
    );
    expect(requestFingerprint({ b: [1, 2] })).not.toBe(requestFingerprint({ b: [2, 1] }));
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: "1" }));
  });
});
