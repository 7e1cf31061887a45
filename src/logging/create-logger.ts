import path from "node:path";
import { pino, type Logger } from "pino";
import type { LogLevel } from "../config/config-schema.js";

export type { Logger };

export interface LoggerOptions {
  readonly name: string;
  readonly consoleLevel: LogLevel;
  /** When set, a second stream writes to <dir>/<name>.log at fileLevel. */
  readonly file?: { readonly dir: string; readonly level: LogLevel } | undefined;
}

const ORDER: readonly LogLevel[] = ["debug", "info", "warn", "error", "fatal"];

/** The process's one root logger; everything else gets a child of it. */
export function createLogger(options: LoggerOptions): Logger {
  const base = { name: options.name };
  if (options.file === undefined) {
    return pino({ ...base, level: options.consoleLevel }, pino.destination({ dest: 1, sync: false }));
  }
  const lowest = ORDER[Math.min(ORDER.indexOf(options.consoleLevel), ORDER.indexOf(options.file.level))];
  return pino(
    { ...base, level: lowest ?? "info" },
    pino.multistream([
      { level: options.consoleLevel, stream: pino.destination({ dest: 1, sync: false }) },
      {
        level: options.file.level,
        stream: pino.destination({ dest: path.join(options.file.dir, `${options.name}.log`), mkdir: true }),
      },
    ]),
  );
}
