import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, SCENES } from "../helpers/paths.js";
import { createSandbox, requireApiKey, type Sandbox } from "../helpers/sandbox.js";
import { freePort, startServer, type ServerProcess } from "../helpers/server-process.js";

// The real CLI (dist/cli/agricarta.js, the package's bin) against the real server with API keys.

const CLI = path.join(REPO, "dist", "cli", "agricarta.js");
const KEY = "agk_cli-test-key-0007";
let sandbox: Sandbox;
let server: ServerProcess;

beforeAll(async () => {
  sandbox = await createSandbox({ scenes: [SCENES.l1, SCENES.l2] });
  await requireApiKey(sandbox, KEY);
  server = await startServer(sandbox);
});

afterAll(async () => {
  await server.stop("SIGKILL");
  await sandbox.remove();
});

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, AGRICARTA_URL: server.url, AGRICARTA_API_KEY: KEY, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the agricarta CLI", () => {
  it("submit --wait shows progress and ends with the job's outputs; --json gives the status document", () => {
    const text = cli(["submit", SCENES.l1.id, "--resolution", "300", "--product", "toa", "--wait"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/^job [0-9a-f-]{36}$/m);
    expect(text.stderr).toMatch(/\[#{30}\] 100%/); // the bar, full at the end
    expect(text.stdout).toMatch(/: successful 100% - Processed 1 scene\(s\)/);
    expect(text.stdout).toMatch(/_B4_toa\.tif/);
    const json = cli(["submit", SCENES.l1.id, "--resolution", "600", "--wait", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: "successful", progress: 100 });
  }, 120_000);

  it("lists, shows, prints logs and cancels", () => {
    const submitted = cli(["submit", SCENES.l2.id, "--resolution", "30", "--cores", "1"]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = submitted.stdout.trim();
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    const list = JSON.parse(cli(["list", "--json", "--limit", "10"]).stdout) as { jobs: { jobID: string }[] };
    expect(list.jobs[0]!.jobID).toBe(jobId);
    expect(cli(["list"]).stdout.split("\n")[0]).toMatch(new RegExp(`^${jobId}  (accepted|running)`));
    expect(cli(["status", jobId]).stdout).toMatch(new RegExp(`^${jobId}: (accepted|running)`));
    // Cancel once the worker has written its first lines, so that `logs` has something to print: while the
    // job runs, the log is the job's header and what its task's worker has logged so far.
    const found = `Image: ${SCENES.l2.id} FOUND\n`;
    const deadline = Date.now() + 30_000;
    let running = cli(["logs", jobId]);
    while (!running.stdout.includes(found) && Date.now() < deadline) running = cli(["logs", jobId]);
    expect(running.code, running.stderr).toBe(0);
    expect(running.stdout).toMatch(new RegExp(`^Imagery names: ${SCENES.l2.id}\nJob id: ${jobId}\n`));
    expect(running.stdout).toContain(found);
    const cancelled = cli(["cancel", jobId]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toBe(`${jobId} dismissed\n`);
    // The dismissed job's log keeps what it logged before the cancel.
    const after = cli(["logs", jobId]);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/^Imagery names: /);
    expect(after.stdout).toContain(found);
    const again = cli(["cancel", jobId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/409 Conflict: The job is already dismissed/);
  });

  it("says clearly when the URL is wrong, the key is wrong or the input is", async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const unreachable = cli(["list"], { AGRICARTA_URL: nobody });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(`cannot reach the service at ${nobody} (ECONNREFUSED)`);
    expect(cli(["list"], { AGRICARTA_URL: "not a url" }).code).toBe(2);
    const badKey = cli(["list"], { AGRICARTA_API_KEY: "agk_wrong" });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/401 Unauthorized: The API key is not valid/);
    const noKey = cli(["list"], { AGRICARTA_API_KEY: "" });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/401 Unauthorized: Send an API key/);
    const bad = cli(["submit", "LC08_NOPE", "--resolution=-5"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/imagery_list\[0\]: /);
    expect(bad.stderr).toMatch(/resolution: /);
    expect(cli(["frobnicate"]).code).toBe(2);
    expect(cli(["submit", SCENES.l1.id, "--resolution", "ten"]).code).toBe(2);
  });
});
