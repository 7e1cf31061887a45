import type { Request } from "express";
import type { StatusDocument } from "../../jobs/status-document.js";
import { OPENAPI_MEDIA_TYPE, OPENAPI_PATH } from "../openapi/openapi-path.js";
import type { BaseUrlOf } from "./base-url.js";

// Every link the service gives, in one place, absolute (OGC API - Processes and RFC 9110's Location want them
// so) and built on one base URL: see base-url.ts for which.

export interface Link {
  readonly href: string;
  readonly rel: string;
  readonly type: string;
  readonly title?: string;
}

/** Where the seed's endpoint and its job API are served. */
export const JOBS_PATH = "/agricarta/preprocessing";

/** OGC link relation types (http://www.opengis.net/def/rel/ogc/1.0/...). */
export const OGC_REL = "http://www.opengis.net/def/rel/ogc/1.0/";

const JSON_TYPE = "application/json";

export class ServiceLinks {
  /** `base`: scheme, host, port and any path prefix, without a trailing slash. */
  constructor(
    readonly base: string,
    readonly ogcBasePath: string,
  ) {}

  /** The seed endpoint's job URL (Location of a submission). */
  job(jobId: string): string {
    return `${this.base}${JOBS_PATH}/${jobId}`;
  }

  /** The status document as GET /agricarta/preprocessing/{jobId} serves it. */
  statusView(doc: StatusDocument): StatusDocument & { links: Link[] } {
    const self = this.job(doc.jobID);
    return {
      ...doc,
      links: [
        { href: self, rel: "self", type: JSON_TYPE, title: "Job status" },
        { href: `${self}/log`, rel: "log", type: "text/plain", title: "job_log.txt" },
      ],
    };
  }

  /** A page of a list and the next one: `path` with `query`, the cursor of each page appended. */
  page(path: string, query: URLSearchParams, cursor: string | undefined, next: string | undefined): Link[] {
    const at = (after: string | undefined): string => {
      const params = new URLSearchParams(query);
      if (after !== undefined) params.set("cursor", after);
      return `${this.base}${path}?${params.toString()}`;
    };
    return [
      { href: at(cursor), rel: "self", type: JSON_TYPE },
      ...(next === undefined ? [] : [{ href: at(next), rel: "next", type: JSON_TYPE }]),
    ];
  }

  /** The API definition (OpenAPI 3.1). */
  serviceDesc(): Link {
    return {
      href: `${this.base}${OPENAPI_PATH}`,
      rel: "service-desc",
      type: OPENAPI_MEDIA_TYPE,
      title: "The API definition (OpenAPI 3.1)",
    };
  }

  /** A URL under the OGC API - Processes facade ("" for its landing page). */
  ogc(path = ""): string {
    return `${this.base}${this.ogcBasePath}${path}`;
  }

  ogcJob(jobId: string): string {
    return this.ogc(`/jobs/${jobId}`);
  }

  /** A published output of a job, as the OGC results link to it. */
  ogcOutput(jobId: string, file: string): string {
    return this.ogc(`/jobs/${jobId}/outputs/${file.split("/").map(encodeURIComponent).join("/")}`);
  }

  /** The status document as OGC API - Processes statusInfo (GET /jobs/{jobId}, and subscriber callbacks). */
  statusInfo(doc: StatusDocument): StatusDocument & { links: Link[] } {
    const self = this.ogcJob(doc.jobID);
    return {
      ...doc,
      links: [
        { href: self, rel: "self", type: JSON_TYPE, title: "Job status" },
        { href: this.ogc("/jobs"), rel: "up", type: JSON_TYPE, title: "Jobs" },
        ...(doc.status === "successful"
          ? [{ href: `${self}/results`, rel: `${OGC_REL}results`, type: JSON_TYPE, title: "Results" }]
          : []),
      ],
    };
  }
}

/** The links of the answer to a request (what handlers are given). */
export type LinksOf = (req: Request) => ServiceLinks;

export function linksResolver(baseUrlOf: BaseUrlOf, ogcBasePath: string): LinksOf {
  return (req) => new ServiceLinks(baseUrlOf(req), ogcBasePath);
}
