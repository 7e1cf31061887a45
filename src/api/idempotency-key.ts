import type { Request } from "express";
import { requestFingerprint } from "../jobs/idempotency-store.js";
import { ValidationProblem } from "./problems.js";

/** Idempotency-Key values: printable ASCII, as the IETF draft and common practice allow. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface Idempotency {
  readonly key: string;
  readonly fingerprint: string;
}

/**
 * The client's Idempotency-Key and a fingerprint of what it asks for (`asked`: the body, or more), so that both
 * job APIs make submissions safe to retry the same way; 400 naming the header for a malformed key.
 */
export function idempotencyOf(req: Request, asked: unknown): Idempotency | undefined {
  const key = req.get("idempotency-key");
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationProblem(
      [{ field: "Idempotency-Key", message: "must be 1-255 printable ASCII characters" }],
      "headers",
    );
  }
  return { key, fingerprint: requestFingerprint(asked) };
}
