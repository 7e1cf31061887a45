import type { Request } from "express";
import type { StatusDocument } from "../jobs/status-document.js";

// The status document as served: what is on disk plus links, absolute to the address the client used.

export interface Link {
  readonly href: string;
  readonly rel: string;
  readonly type: string;
  readonly title?: string;
}

export const JOBS_PATH = "/agricarta/preprocessing";

export function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

export function jobUrl(req: Request, jobId: string): string {
  return `${baseUrl(req)}${JOBS_PATH}/${jobId}`;
}

export function statusView(req: Request, doc: StatusDocument): StatusDocument & { links: Link[] } {
  const self = jobUrl(req, doc.jobID);
  return {
    ...doc,
    links: [
      { href: self, rel: "self", type: "application/json", title: "Job status" },
      { href: `${self}/log`, rel: "log", type: "text/plain", title: "job_log.txt" },
    ],
  };
}
