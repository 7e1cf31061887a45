import fs from "node:fs";
import path from "node:path";
import { pino, type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "../config/config-schema.js";

export type { Logger };

export interface LoggerOptions {
  readonly name: string;
  readonly consoleLevel: LogLevel;
  /** When set, a second stream writes to <dir>/<name>.log at fileLevel. */
  readonly file?: { readonly dir: string; readonly level: LogLevel } | undefined;
  /** Where console lines go; standard output when undefined. */
  readonly console?: DestinationStream | undefined;
}

const ORDER: readonly LogLevel[] = ["debug", "info", "warn", "error", "fatal"];

/** Credentials never reach a log line, wherever a request's headers are logged. */
export const REDACTED_PATHS: readonly string[] = [
  "authorization",
  "headers.authorization",
  "req.headers.authorization",
  "request.headers.authorization",
  "*.headers.authorization",
  'headers["x-api-key"]',
  'req.headers["x-api-key"]',
  "apiKey",
  "*.apiKey",
];

/** The process's one root logger; everything else gets a child of it. */
export function createLogger(options: LoggerOptions): Logger {
  const base = {
    name: options.name,
    redact: { paths: [...REDACTED_PATHS], censor: "[redacted]" },
  };
  const console = options.console ?? pino.destination({ dest: 1, sync: false });
  if (options.file === undefined) {
    return pino({ ...base, level: options.consoleLevel }, console);
  }
  const lowest = ORDER[Math.min(ORDER.indexOf(options.consoleLevel), ORDER.indexOf(options.file.level))];
  return pino(
    { ...base, level: lowest ?? "info" },
    pino.multistream([
      { level: options.consoleLevel, stream: console },
      {
        level: options.file.level,
        stream: pino.destination({ dest: openLogFile(options.file.dir, options.name), sync: false }),
      },
    ]),
  );
}

/**
 * Opens <dir>/<name>.log before the logger uses it. A destination given a path opens it asynchronously, and a
 * process that exits before then (a bad config found at start-up) died on pino's exit flush with a stack trace;
 * an unwritable log directory is also reported here, at once.
 */
function openLogFile(dir: string, name: string): number {
  fs.mkdirSync(dir, { recursive: true });
  return fs.openSync(path.join(dir, `${name}.log`), "a");
}
