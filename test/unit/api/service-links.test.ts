import { describe, expect, it } from "vitest";
import { resultLinks } from "../../../src/api/ogc/result-links.js";
import { ServiceLinks } from "../../../src/api/links/service-links.js";
import type { StatusDocument } from "../../../src/jobs/status-document.js";

// Every link the service gives is built by ServiceLinks on one base URL; the OGC results are built from a job's
// published outputs.

const BASE = "https://agricarta.example.org";
const ID = "01a21160-cee8-74a2-a812-6ca01a59edb9";
const links = new ServiceLinks(BASE, "/ogcapi");

const doc = (change: Partial<StatusDocument> = {}): StatusDocument => ({
  jobID: ID,
  processID: "preprocessing",
  type: "process",
  status: "running",
  message: "",
  progress: 0,
  created: "2024-05-01T10:00:00.000Z",
  updated: "2024-05-01T10:00:00.000Z",
  scenes: [],
  ...change,
});

describe("ServiceLinks", () => {
  it("links the seed API's status document to itself and its log", () => {
    expect(links.job(ID)).toBe(`${BASE}/agricarta/preprocessing/${ID}`);
    expect(links.statusView(doc()).links.map((l) => [l.rel, l.href])).toEqual([
      ["self", `${BASE}/agricarta/preprocessing/${ID}`],
      ["log", `${BASE}/agricarta/preprocessing/${ID}/log`],
    ]);
  });

  it("links statusInfo to itself, the job list, and its results once successful", () => {
    expect(links.statusInfo(doc()).links.map((l) => l.href)).toEqual([
      `${BASE}/ogcapi/jobs/${ID}`,
      `${BASE}/ogcapi/jobs`,
    ]);
    expect(links.statusInfo(doc({ status: "successful" })).links.at(-1)).toEqual({
      href: `${BASE}/ogcapi/jobs/${ID}/results`,
      rel: "http://www.opengis.net/def/rel/ogc/1.0/results",
      type: "application/json",
      title: "Results",
    });
  });

  it("builds a page's self and next links with the query and each page's cursor", () => {
    const query = new URLSearchParams({ limit: "2", status: "running" });
    expect(links.page("/agricarta/preprocessing", query, undefined, "next-id")).toEqual([
      {
        href: `${BASE}/agricarta/preprocessing?limit=2&status=running`,
        rel: "self",
        type: "application/json",
      },
      {
        href: `${BASE}/agricarta/preprocessing?limit=2&status=running&cursor=next-id`,
        rel: "next",
        type: "application/json",
      },
    ]);
    expect(links.page("/ogcapi/jobs", query, "this-id", undefined)).toEqual([
      {
        href: `${BASE}/ogcapi/jobs?limit=2&status=running&cursor=this-id`,
        rel: "self",
        type: "application/json",
      },
    ]);
    expect(query.has("cursor")).toBe(false);
  });

  it("keeps a base URL's path prefix, and escapes output paths segment by segment", () => {
    const prefixed = new ServiceLinks("https://example.org/api", "/ogcapi");
    expect(prefixed.ogc()).toBe("https://example.org/api/ogcapi");
    expect(prefixed.serviceDesc().href).toBe("https://example.org/api/openapi.json");
    expect(links.ogcOutput(ID, "a b/c#d.tif")).toBe(`${BASE}/ogcapi/jobs/${ID}/outputs/a%20b/c%23d.tif`);
  });
});

describe("resultLinks", () => {
  it("gives each published output a link and a media type, keyed by its name", () => {
    const scenes = [
      {
        id: "S",
        status: "successful" as const,
        message: "",
        outputs: ["output/S/S_B3_toa.tif", "output/S/S.json", "output/S/S.stac.json", "output/S/S_stack.vrt"],
      },
    ];
    expect(resultLinks(doc({ status: "successful", scenes }), links)).toEqual({
      S_B3_toa: {
        href: `${BASE}/ogcapi/jobs/${ID}/outputs/output/S/S_B3_toa.tif`,
        type: "image/tiff; application=geotiff; profile=cloud-optimized",
      },
      S: { href: `${BASE}/ogcapi/jobs/${ID}/outputs/output/S/S.json`, type: "application/json" },
      S_stac: {
        href: `${BASE}/ogcapi/jobs/${ID}/outputs/output/S/S.stac.json`,
        type: "application/geo+json",
      },
      S_stack: { href: `${BASE}/ogcapi/jobs/${ID}/outputs/output/S/S_stack.vrt`, type: "application/xml" },
    });
  });
});
