// Errors arrive as `unknown` at every catch; these read what is needed from them without a cast at each site.

/** The message of an Error, or the value itself in words when something else was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The system error code (ENOENT, EACCES, ESRCH...) of a failed system call; undefined for other errors. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
