import fs from "node:fs/promises";
import { errnoCode, errorMessage } from "../common/errors.js";
import type { CheckReadiness, ReadinessCheck } from "./health-routes.js";

// Ready means: the working directory and the imagery storage are there and writable, and workers can load GDAL.

export interface ReadinessDeps {
  readonly workingDir: string;
  readonly imageryStorage: string;
  /** Resolves to GDAL's version as a worker sees it; asked once, the answer kept. */
  readonly probeGdal: () => Promise<string>;
}

export function createReadinessCheck(deps: ReadinessDeps): CheckReadiness {
  let gdal: Promise<ReadinessCheck> | undefined;
  const checkGdal = (): Promise<ReadinessCheck> =>
    deps.probeGdal().then(
      (version) => ({ name: "gdal", ok: true, detail: `GDAL ${version}` }),
      (error: unknown) => {
        gdal = undefined; // ask again next time: it may have been a passing failure
        return { name: "gdal", ok: false, detail: errorMessage(error) };
      },
    );
  return async () => {
    gdal ??= checkGdal();
    return Promise.all([
      writable("working_dir", deps.workingDir),
      writable("imagery_storage", deps.imageryStorage),
      gdal,
    ]);
  };
}

async function writable(name: string, dir: string): Promise<ReadinessCheck> {
  try {
    await fs.access(dir, fs.constants.W_OK | fs.constants.R_OK);
    return { name, ok: true, detail: "writable" };
  } catch (error) {
    return { name, ok: false, detail: `not writable: ${errnoCode(error) ?? "error"}` };
  }
}
