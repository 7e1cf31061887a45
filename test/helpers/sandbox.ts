import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { hashApiKey } from "../../src/auth/api-keys.js";
import { ALBERS_CANADA, SHARED_STORAGE } from "./paths.js";

// A throw-away service root: a temp copy of the real imagery fixtures, a working dir and a config.yaml.

export interface Sandbox {
  readonly root: string;
  readonly storage: string;
  readonly workingDir: string;
  readonly configPath: string;
  readonly remove: () => Promise<void>;
}

export interface SandboxOptions {
  /** Scene folders (relative to l8-l2a-products/tiles) to copy; all of them when omitted. */
  readonly scenes?: readonly { id: string; path: string; row: string }[];
  /** Other folders under the shared storage to copy (a Sentinel-2 product's tile folder...). */
  readonly copy?: readonly string[];
  /** Extra or replaced config keys, as YAML lines. */
  readonly configLines?: readonly string[];
}

export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "agricarta-test-"));
  const storage = path.join(root, "storage");
  const workingDir = path.join(root, "work");
  await fs.mkdir(storage, { recursive: true });
  if (options.scenes === undefined) {
    await fs.cp(SHARED_STORAGE, storage, { recursive: true });
  } else {
    for (const scene of options.scenes) {
      const rel = path.join("l8-l2a-products", "tiles", scene.path, scene.row, scene.id);
      await fs.cp(path.join(SHARED_STORAGE, rel), path.join(storage, rel), { recursive: true });
    }
  }
  for (const rel of options.copy ?? []) {
    await fs.cp(path.join(SHARED_STORAGE, rel), path.join(storage, rel), { recursive: true });
  }
  // The fixtures are read-only; the copy must be ours to write next to and delete.
  await makeWritable(storage);
  await fs.mkdir(workingDir, { recursive: true });
  const configPath = path.join(root, "config.yaml");
  await fs.writeFile(configPath, sandboxConfig(root, options.configLines ?? []));
  return Object.freeze({
    root,
    storage,
    workingDir,
    configPath,
    remove: () => fs.rm(root, { recursive: true, force: true }),
  });
}

function sandboxConfig(root: string, extra: readonly string[]): string {
  const keys = new Map<string, string>([
    ["ROOT_DIR", root],
    ["WORKING_DIR", path.join(root, "work")],
    ["DEPENDENCIES_DIR", path.join(root, "storage", "required_datasets")],
    ["SRTM_DIR", path.join(root, "storage", "required_datasets", "dem", "SRTM41")],
    ["IMAGERY_STORAGE", path.join(root, "storage")],
    ["LOGGING_CONFIG", "\n  console_level: CRITICAL\n  file_level: DEBUG"],
    ["PROJECTION", JSON.stringify(ALBERS_CANADA)],
    ["PARAMS", "\n  LC8:\n    bands: [B2, B3, B4]\n    product: dn\n    resamp_clip: True"],
    // Tests that are not about authentication run without it; a test that sets API_KEYS_FILE turns it on.
    ["AUTH_DISABLED", "true"],
  ]);
  for (const line of extra) {
    const [key, ...rest] = line.split(":");
    keys.set(key!.trim(), rest.join(":").trim());
    if (key!.trim() === "API_KEYS_FILE") keys.delete("AUTH_DISABLED");
  }
  return [...keys].map(([k, v]) => `${k}: ${v}`).join("\n") + "\n";
}

async function makeWritable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(p);
    else await fs.chmod(p, 0o644);
  }
}

/** Turns authentication on in the sandbox's config, with one API key (stored hashed, as in production). */
export async function requireApiKey(sandbox: Sandbox, key: string, owner = "tester"): Promise<void> {
  const keysFile = path.join(sandbox.root, "api-keys.yaml");
  await fs.writeFile(
    keysFile,
    `keys:\n  - { id: ${owner}-key, owner: ${owner}, sha256: "${hashApiKey(key)}" }\n`,
  );
  const config = await fs.readFile(sandbox.configPath, "utf8");
  await fs.writeFile(sandbox.configPath, config.replace(/^AUTH_DISABLED:.*$/m, `API_KEYS_FILE: ${keysFile}`));
}
