// The OGC API - Processes - Part 1 conformance classes the facade implements, and nothing it does not
// (no oas30: the service's OpenAPI document is 3.1).

const CONFORMANCE = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/";

export const CONFORMS_TO: readonly string[] = [
  "core",
  "ogc-process-description",
  "json",
  "job-list",
  "dismiss",
].map((c) => `${CONFORMANCE}${c}`);
