import { errorMessage } from "../common/errors.js";

// Clients read job and scene messages (status.json, job_log.txt): file names stay, the server's directories do
// not. The full error, paths and all, goes to the process's own log.

/** "/srv/work/x/imagery/S/S_B3.TIF, band 1: …" becomes "S_B3.TIF, band 1: …". */
export function clientMessage(error: unknown): string {
  const message = errorMessage(error)
    .replace(/(?:\/[^\s/,:;'"()]+)+\/([^\s/,:;'"()]+)/g, "$1")
    .trim();
  return message === "" ? "unknown error" : message;
}
