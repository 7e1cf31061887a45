import fs from "node:fs";
import { load as loadYaml } from "js-yaml";
import type { z } from "zod";
import { errorMessage } from "./errors.js";
import { describeIssues, toFieldIssues } from "./zod-issues.js";

// The service's YAML files (config.yaml, the API keys file) are read, parsed and validated the same way, and a
// bad one is refused with a message that names the file and every bad field.

export interface YamlFileKind {
  /** "config file": how messages name the file. */
  readonly name: string;
  /** "invalid config": how a schema failure begins. */
  readonly invalid: string;
  /** The error to throw, so each caller keeps its own error class. */
  readonly error: new (message: string, options?: ErrorOptions) => Error;
}

/**
 * Reads a YAML file and validates it with a zod schema. `shape` may refuse the parsed document before the
 * schema sees it, with a message of its own (e.g. "must hold a mapping of keys").
 */
export function readYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  kind: YamlFileKind,
  shape?: (document: unknown) => string | undefined,
): z.output<S> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (cause) {
    throw new kind.error(`cannot read ${kind.name} ${file}: ${errorMessage(cause)}`, { cause });
  }
  let document: unknown;
  try {
    document = loadYaml(text, { filename: file });
  } catch (cause) {
    throw new kind.error(`${kind.name} ${file} is not valid YAML: ${errorMessage(cause)}`, { cause });
  }
  const refused = shape?.(document);
  if (refused !== undefined) throw new kind.error(`${kind.name} ${file} ${refused}`);
  const parsed = schema.safeParse(document);
  if (!parsed.success) {
    throw new kind.error(`${kind.invalid} ${file}: ${describeIssues(toFieldIssues(parsed.error))}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
