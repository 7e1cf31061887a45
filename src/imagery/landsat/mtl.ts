import fs from "node:fs/promises";
import path from "node:path";
import { errnoCode, errorMessage } from "../../common/errors.js";

// A Landsat MTL metadata file (ODL text or JSON) as nested groups of string values, read by group.
// Only the file-name lookup lives here for now; the radiometric coefficients build on the same groups.

export interface MtlGroup {
  readonly [key: string]: string | MtlGroup;
}

/** A missing, unreadable or incomplete MTL; the message names the file or field. */
export class MtlError extends Error {
  override readonly name = "MtlError";
}

/** Parses ODL text (`GROUP = X` ... `END_GROUP = X`, `KEY = value`). */
export function parseMtlText(text: string): MtlGroup {
  const root: Record<string, string | MtlGroup> = {};
  const stack: { name: string; group: Record<string, string | MtlGroup> }[] = [{ name: "", group: root }];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line === "END") continue;
    const eq = line.indexOf("=");
    if (eq === -1) throw new MtlError(`MTL line ${index + 1} is not KEY = value: ${line.slice(0, 80)}`);
    const key = line.slice(0, eq).trim();
    const value = unquote(line.slice(eq + 1).trim());
    const top = stack[stack.length - 1]!;
    if (key === "GROUP") {
      const group: Record<string, string | MtlGroup> = {};
      top.group[value] = group;
      stack.push({ name: value, group });
    } else if (key === "END_GROUP") {
      if (stack.length === 1 || top.name !== value) {
        throw new MtlError(
          `MTL line ${index + 1}: END_GROUP = ${value} does not close ${top.name || "anything"}`,
        );
      }
      stack.pop();
    } else {
      top.group[key] = value;
    }
  }
  if (stack.length !== 1) throw new MtlError(`MTL ends inside GROUP ${stack[stack.length - 1]!.name}`);
  return root;
}

/** Parses a Collection 2 MTL.json, whose numbers are strings already; other scalars become strings. */
export function parseMtlJson(text: string): MtlGroup {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new MtlError("MTL.json is not valid JSON", { cause });
  }
  const convert = (node: unknown, where: string): MtlGroup => {
    if (node === null || typeof node !== "object" || Array.isArray(node)) {
      throw new MtlError(`MTL.json: ${where || "the document"} is not a group`);
    }
    const out: Record<string, string | MtlGroup> = {};
    for (const [key, child] of Object.entries(node)) {
      out[key] =
        child !== null && typeof child === "object"
          ? convert(child, where ? `${where}.${key}` : key)
          : String(child);
    }
    return out;
  };
  return convert(value, "");
}

/** Reads the scene's MTL: `<scene>_MTL.txt`, else `<scene>_MTL.json`. */
export async function readMtl(sceneDir: string, sceneId: string): Promise<MtlGroup> {
  for (const [suffix, parse] of [
    ["_MTL.txt", parseMtlText],
    ["_MTL.json", parseMtlJson],
  ] as const) {
    const file = path.join(sceneDir, `${sceneId}${suffix}`);
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (error) {
      if (errnoCode(error) === "ENOENT") continue;
      throw new MtlError(`cannot read ${path.basename(file)}: ${errorMessage(error)}`, { cause: error });
    }
    return parse(text);
  }
  throw new MtlError(`${sceneId}: no ${sceneId}_MTL.txt or ${sceneId}_MTL.json in the scene folder`);
}

/** The value at a dotted group path, e.g. "LANDSAT_METADATA_FILE.PRODUCT_CONTENTS". */
export function mtlGroup(mtl: MtlGroup, dotted: string): MtlGroup | undefined {
  let node: string | MtlGroup | undefined = mtl;
  for (const key of dotted.split(".")) {
    if (node === undefined || typeof node === "string") return undefined;
    node = node[key];
  }
  return typeof node === "object" ? node : undefined;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}
