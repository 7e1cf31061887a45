import fs from "node:fs/promises";
import path from "node:path";
import { errnoCode, errorMessage } from "../../common/errors.js";
import { Sentinel2MetadataError } from "./sentinel2-metadata-error.js";
import { readVsiFile, vsiFileExists } from "./read-vsi-file.js";
import type { Sentinel2Location } from "./sentinel2-storage.js";

// One way to read a product's files whether it is an unpacked .SAFE folder or a zip read in place, so the
// metadata reader and the band-file choice never ask which.

export interface Sentinel2ProductSource {
  /** What GDAL opens the product's files under: the .SAFE folder, or /vsizip/<zip>/<product>.SAFE. */
  readonly root: string;
  /** The path GDAL opens for a file named relative to the SAFE root. */
  readonly path: (relative: string) => string;
  /** A metadata file's text; a missing or unreadable file throws a Sentinel2MetadataError naming it. */
  readonly readText: (relative: string) => Promise<string>;
  readonly exists: (relative: string) => Promise<boolean>;
}

/** The source for a product read at `root`: a .SAFE folder, or a /vsizip/ path into a zip. */
export function sentinel2ProductSourceAt(root: string): Sentinel2ProductSource {
  return root.startsWith("/vsizip/") ? zipSource(root) : folderSource(root);
}

/** The source for a located product (a folder or a zip). */
export function sentinel2ProductSource(
  location: Exclude<Sentinel2Location, { kind: "missing" }>,
): Sentinel2ProductSource {
  return location.kind === "folder" ? folderSource(location.dir) : zipSource(location.root);
}

function folderSource(dir: string): Sentinel2ProductSource {
  const full = (relative: string): string => path.join(dir, relative);
  return {
    root: dir,
    path: full,
    readText: async (relative) => {
      try {
        return await fs.readFile(full(relative), "utf8");
      } catch (error) {
        const why =
          errnoCode(error) === "ENOENT" ? "is not in the product" : `cannot be read: ${errorMessage(error)}`;
        throw new Sentinel2MetadataError(`${relative} ${why}`, { cause: error });
      }
    },
    exists: async (relative) => {
      try {
        return (await fs.stat(full(relative))).isFile();
      } catch (error) {
        if (errnoCode(error) === "ENOENT" || errnoCode(error) === "ENOTDIR") return false;
        throw error;
      }
    },
  };
}

function zipSource(root: string): Sentinel2ProductSource {
  const full = (relative: string): string => `${root}/${relative}`;
  return {
    root,
    path: full,
    readText: async (relative) => {
      try {
        return (await readVsiFile(full(relative))).toString("utf8");
      } catch (error) {
        throw new Sentinel2MetadataError(`${relative} is not in the zipped product (${root})`, {
          cause: error,
        });
      }
    },
    exists: (relative) => vsiFileExists(full(relative)),
  };
}
