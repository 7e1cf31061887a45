import crypto from "node:crypto";
import { z } from "zod";
import { readYamlFile } from "../common/yaml-file.js";

// Bearer API keys. The keys file (mounted from a Kubernetes Secret, never the ConfigMap) holds only SHA-256
// digests: API keys are 256-bit random strings, so a plain digest cannot be reversed and needs no salt or slow
// hash. A presented key is hashed and compared with every stored digest in constant time.

/** Who made a request: the key's id (for logs), the owner its jobs are recorded under, and admin rights. */
export interface Principal {
  readonly keyId: string;
  readonly owner: string;
  readonly admin: boolean;
}

/** Authentication switched off by AUTH_DISABLED: everyone is this principal and sees every job. */
export const ANONYMOUS: Principal = Object.freeze({ keyId: "-", owner: "anonymous", admin: true });

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const NAME_RULE = "1-64 letters, digits or . _ @ -";

const KeyEntrySchema = z.strictObject({
  /** Names the key in logs; never the key itself. */
  id: z.string().regex(NAME, NAME_RULE),
  /** Jobs submitted with this key belong to this owner; several keys may share one. */
  owner: z.string().regex(NAME, NAME_RULE),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be the key's SHA-256 digest, 64 hex digits")
    .transform((hex) => hex.toLowerCase()),
  /** Admin keys see and cancel every job. */
  admin: z.boolean().default(false),
});

const KeysFileSchema = z
  .strictObject({ keys: z.array(KeyEntrySchema).min(1, "must list at least one key") })
  .superRefine(({ keys }, ctx) => {
    const seen = { id: new Set<string>(), sha256: new Set<string>() };
    keys.forEach((key, index) => {
      for (const field of ["id", "sha256"] as const) {
        if (seen[field].has(key[field])) {
          ctx.addIssue({ code: "custom", path: ["keys", index, field], message: "is listed twice" });
        }
        seen[field].add(key[field]);
      }
    });
  });

export class ApiKeysError extends Error {
  override readonly name = "ApiKeysError";
}

/** The digest stored in the keys file for an API key. */
export function hashApiKey(key: string): string {
  return crypto.createHash("sha256").update(key, "utf8").digest("hex");
}

/** A new key: 32 random bytes, base64url, with a prefix that makes a leaked key easy to recognise. */
export function generateApiKey(): string {
  return `agk_${crypto.randomBytes(32).toString("base64url")}`;
}

export class ApiKeys {
  readonly #entries: readonly { readonly digest: Buffer; readonly principal: Principal }[];

  constructor(entries: readonly z.infer<typeof KeyEntrySchema>[]) {
    this.#entries = entries.map((entry) => ({
      digest: Buffer.from(entry.sha256, "hex"),
      principal: Object.freeze({ keyId: entry.id, owner: entry.owner, admin: entry.admin }),
    }));
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The key's principal, or undefined. Every stored digest is compared, whichever matches. */
  authenticate(key: string): Principal | undefined {
    const digest = crypto.createHash("sha256").update(key, "utf8").digest();
    let found: Principal | undefined;
    for (const entry of this.#entries) {
      if (crypto.timingSafeEqual(digest, entry.digest)) found = entry.principal;
    }
    return found;
  }
}

/** Reads and validates a keys file; errors name the file and the field. */
export function loadApiKeys(file: string): ApiKeys {
  const { keys } = readYamlFile(file, KeysFileSchema, {
    name: "API keys file",
    invalid: "invalid API keys file",
    error: ApiKeysError,
  });
  return new ApiKeys(keys);
}
