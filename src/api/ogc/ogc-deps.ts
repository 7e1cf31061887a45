import type { JobService } from "../../jobs/job-service.js";
import type { Authentication } from "../authentication.js";
import type { LinksOf } from "../links/service-links.js";
import type { RequestLimits } from "../preprocessing-request.js";

/** What the OGC API - Processes routers need: where, the job service, who may call, and how to link. */
export interface OgcDeps {
  readonly basePath: string;
  readonly jobs: JobService;
  readonly authentication: Authentication;
  readonly limits: RequestLimits;
  readonly linksOf: LinksOf;
  /** Where published results live (IMAGERY_STORAGE), so that result links can be served. */
  readonly imageryStorage: string;
  /** SUBSCRIBER_URL_PREFIXES, normalised. */
  readonly subscriberUrlPrefixes: readonly string[];
}

/** The tag of the facade's operations on the reference page. */
export const OGC_TAG = "OGC API - Processes";
