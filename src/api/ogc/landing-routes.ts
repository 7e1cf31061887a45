import { OGC_REL } from "../links/service-links.js";
import { DocumentedRouter } from "../openapi/documented-router.js";
import { jsonResponse } from "../openapi/operation-parts.js";
import { CONFORMS_TO } from "./conformance.js";
import { OGC_TAG, type OgcDeps } from "./ogc-deps.js";

// The facade's landing page and conformance declaration (/req/core/landing-page-op, /req/core/conformance-op),
// open to anyone, as a client discovers the API from them.

export function landingRoutes(deps: Pick<OgcDeps, "basePath" | "linksOf">): DocumentedRouter {
  const api = new DocumentedRouter(OGC_TAG);
  const base = deps.basePath;

  api.get(
    [base, `${base}/`],
    { summary: "OGC API landing page", responses: { "200": { description: "Links" } } },
    (req, res) => {
      const links = deps.linksOf(req);
      const link = (path: string, rel: string, title: string) => ({
        href: links.ogc(path),
        rel,
        type: "application/json",
        title,
      });
      res.json({
        title: "Agricarta preprocessing (OGC API - Processes)",
        description: "Landsat scenes to analysis-ready rasters, as OGC API - Processes jobs.",
        links: [
          link("", "self", "This document"),
          links.serviceDesc(),
          link("/conformance", `${OGC_REL}conformance`, "Conformance"),
          link("/processes", `${OGC_REL}processes`, "Processes"),
          link("/jobs", `${OGC_REL}job-list`, "Jobs"),
        ],
      });
    },
  );

  api.get(
    `${base}/conformance`,
    { summary: "Conformance classes", responses: { "200": jsonResponse("Conformance", "conformsTo") } },
    (_req, res) => {
      res.json({ conformsTo: CONFORMS_TO });
    },
  );

  return api;
}
