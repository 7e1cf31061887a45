import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENES } from "../helpers/paths.js";
import { createSandbox, type Sandbox } from "../helpers/sandbox.js";
import { startServer, type ServerProcess } from "../helpers/server-process.js";

// The OGC API - Processes facade of the built server, driven by standard clients: OWSLib (Debian's
// python3-owslib 0.27, installed by ./dev test's set-up) reads what it can read, and curl walks through a real
// preprocessing job as the README shows it.

let sandbox: Sandbox;
let server: ServerProcess;
let ogc: string;

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [SCENES.l1] });
  server = await startServer(sandbox);
  ogc = `${server.url}/ogcapi`;
});

afterAll(async () => {
  await server.stop("SIGKILL");
  await sandbox.remove();
});

/** Debian's Python, where apt puts OWSLib (a pyenv python3 may come first on PATH). */
const PYTHON = "/usr/bin/python3";

const OWSLIB_SCRIPT = `
import json, sys
from owslib.ogcapi.processes import Processes
api = Processes(sys.argv[1])
print(json.dumps({
    "links": api.links,
    "conformance": api.conformance(),
    "processes": api.processes(),
    "preprocessing": api.process("preprocessing"),
    "echo": api.process("echo"),
}))
`;

describe("OWSLib (owslib.ogcapi.processes)", () => {
  it("reads the landing page, conformance, the process list and each process description", () => {
    const version = execFileSync(PYTHON, ["-c", "import owslib; print(owslib.__version__)"], {
      encoding: "utf8",
    });
    expect(version.trim()).toMatch(/^0\.27\./);
    const out = JSON.parse(execFileSync(PYTHON, ["-c", OWSLIB_SCRIPT, ogc], { encoding: "utf8" })) as {
      links: { rel: string }[];
      conformance: { conformsTo: string[] };
      processes: { processes: { id: string }[] };
      preprocessing: { id: string; inputs: Record<string, unknown>; jobControlOptions: string[] };
      echo: { id: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    };
    expect(out.links.map((l) => l.rel)).toEqual(
      expect.arrayContaining(["self", "http://www.opengis.net/def/rel/ogc/1.0/processes"]),
    );
    expect(out.conformance.conformsTo).toContain(
      "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core",
    );
    expect(out.processes.processes.map((p) => p.id)).toEqual(["preprocessing", "echo"]);
    expect(out.preprocessing.id).toBe("preprocessing");
    expect(out.preprocessing.jobControlOptions).toEqual(["async-execute"]);
    expect(Object.keys(out.preprocessing.inputs)).toEqual(
      expect.arrayContaining(["imagery_list", "resolution"]),
    );
    expect(Object.keys(out.echo.inputs)).toEqual(["stringInput", "pause"]);
    expect(Object.keys(out.echo.outputs)).toEqual(["stringOutput"]);
  });
});

describe("curl walk-through (as in the README)", () => {
  it("executes preprocessing on a fixture scene, polls the job and fetches its results", async () => {
    const curl = (...args: string[]): string => execFileSync("curl", ["-sS", ...args], { encoding: "utf8" });
    const body = JSON.stringify({
      inputs: { imagery_list: [SCENES.l1.id], resolution: 300, product: "toa" },
    });
    const head = curl(
      "-i",
      "-X",
      "POST",
      `${ogc}/processes/preprocessing/execution`,
      "-H",
      "Content-Type: application/json",
      "-H",
      "Prefer: respond-async",
      "-d",
      body,
    );
    expect(head).toMatch(/^HTTP\/1\.1 201 Created/);
    expect(head).toMatch(/^preference-applied: respond-async\r?$/im);
    const location = /^location: (\S+)\r?$/im.exec(head)![1]!;
    expect(location).toMatch(new RegExp(`^${ogc}/jobs/[0-9a-f-]{36}$`));

    let status: { status: string; progress: number } = { status: "accepted", progress: 0 };
    for (let i = 0; i < 600 && !["successful", "failed"].includes(status.status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = JSON.parse(curl(location)) as typeof status;
    }
    expect(status).toMatchObject({ status: "successful", progress: 100 });

    const results = JSON.parse(curl(`${location}/results`)) as Record<string, { href: string; type: string }>;
    const b4 = Object.entries(results).find(([id]) => id.endsWith("_B4_toa"))![1];
    expect(b4.type).toBe("image/tiff; application=geotiff; profile=cloud-optimized");
    const file = path.join(sandbox.root, "b4.tif");
    curl("-f", "-o", file, b4.href);
    const info = JSON.parse(execFileSync("gdalinfo", ["-json", file], { encoding: "utf8" })) as {
      bands: { description: string }[];
      metadata: { IMAGE_STRUCTURE?: { LAYOUT?: string } };
    };
    expect(info.metadata.IMAGE_STRUCTURE?.LAYOUT).toBe("COG");
    expect(info.bands[0]!.description).toMatch(/B4/);
    await fs.rm(file);
  }, 120_000);
});
