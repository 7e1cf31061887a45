// What the benchmarks share: running a command as a process of its own under the kernel's accounting, and
// printing the figures.
import { execFileSync } from "node:child_process";

/** The grid every benchmark warps to: the service's default Albers Equal Area over Canada. */
export const BENCH_PROJECTION =
  "+proj=aea +lat_1=44.75 +lat_2=55.75 +lat_0=40 +lon_0=-96 +x_0=0 +y_0=0 +ellps=WGS84 +datum=WGS84 +units=m +no_defs";

/** Runs a command under python's resource accounting: wall, user+system CPU and peak RSS of its process tree. */
export function measure(what, command, args) {
  const probe = [
    "import json, resource, subprocess, sys, time",
    "t = time.monotonic()",
    "subprocess.run(sys.argv[1:], check=True)",
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)",
    "print(json.dumps({'wall': time.monotonic() - t, 'cpu': u.ru_utime + u.ru_stime, 'maxRssKb': u.ru_maxrss}))",
  ].join("\n");
  process.stderr.write(`running: ${what}\n`);
  const output = execFileSync("python3", ["-c", probe, command, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return { what, ...JSON.parse(output.trim().split("\n").pop()) };
}

const gib = (kb) => (kb / 1024 / 1024).toFixed(2);

/** One line per run: wall time, CPU time (user + system) and peak RSS of its process tree. */
export function printTable(title, runs) {
  console.log(`\n${title}`);
  console.log(
    `${"run".padEnd(34)}${"wall s".padStart(9)}${"cpu s".padStart(9)}${"peak RSS GiB".padStart(14)}`,
  );
  for (const r of runs) {
    console.log(
      `${r.what.padEnd(34)}${r.wall.toFixed(1).padStart(9)}${r.cpu.toFixed(1).padStart(9)}${gib(r.maxRssKb).padStart(14)}`,
    );
  }
}
