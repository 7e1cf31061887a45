import path from "node:path";
import type { StatusDocument } from "../../jobs/status-document.js";
import type { ServiceLinks } from "../links/service-links.js";
import { mediaType } from "./ogc-values.js";

export interface ResultLink {
  readonly href: string;
  readonly type: string;
}

/**
 * A successful preprocessing job's results (/req/core/job-results): one link per published output, keyed by
 * its file name without the extension (a STAC Item's "x.stac.json" as "x_stac", beside the "x.json" metadata).
 */
export function resultLinks(doc: StatusDocument, links: ServiceLinks): Record<string, ResultLink> {
  const results: Record<string, ResultLink> = {};
  for (const file of doc.scenes.flatMap((s) => s.outputs)) {
    const id = path
      .basename(file)
      .replace(/\.[^.]+$/, "")
      .replace(/\.stac$/, "_stac");
    results[id] = { href: links.ogcOutput(doc.jobID, file), type: mediaType(file) };
  }
  return results;
}
