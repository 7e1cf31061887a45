import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { waitFor } from "./alive.js";
import { BUILT_SERVER } from "./paths.js";
import type { Sandbox } from "./sandbox.js";

// The real server as a process (dist/server.js, built by `npm test`'s pretest), on a free loopback port.

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Sends a signal and waits for the process to exit; resolves to its exit code. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export interface StartServerOptions {
  /** More environment variables for the server (e.g. POD_NAME, its leader-election identity). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startServer(
  sandbox: Sandbox,
  options: StartServerOptions = {},
): Promise<ServerProcess> {
  if (!fs.existsSync(BUILT_SERVER))
    throw new Error(`${BUILT_SERVER} is missing: run \`npm run build\` first`);
  // Another test may take the free port first (EADDRINUSE): then try another one.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(sandbox, options);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startServerOnce(sandbox: Sandbox, options: StartServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const log = fs.openSync(path.join(sandbox.root, "server.log"), "a");
  const child = spawn(process.execPath, [BUILT_SERVER, "--config", sandbox.configPath], {
    env: { ...process.env, ...options.env, PORT: String(port) },
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  const exited = once(child, "exit").then(([code]) => code as number | null);
  await Promise.race([
    // Listening means this very process holds the port: a free port can be taken by another test's server
    // between freePort() and listen(), and that one would answer /healthz too.
    waitFor(
      async () =>
        listenerPid(port) === child.pid && (await fetch(`${url}/healthz`).catch(() => undefined))?.ok,
      "the server to listen",
    ),
    exited.then((code) => {
      throw new Error(
        `server exited with ${code}: ${fs.readFileSync(path.join(sandbox.root, "server.log"), "utf8")}`,
      );
    }),
  ]);
  return Object.freeze({
    url,
    pid: child.pid!,
    stop: (signal: NodeJS.Signals = "SIGTERM") => stop(child, signal, exited),
  });
}

async function stop(
  child: ChildProcess,
  signal: NodeJS.Signals,
  exited: Promise<number | null>,
): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return exited;
}

/** The pid of the process listening on a loopback port (ss from iproute2), or undefined. */
function listenerPid(port: number): number | undefined {
  const out = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
    probe.on("error", reject);
  });
}
