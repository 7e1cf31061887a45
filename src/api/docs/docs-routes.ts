import { createRequire } from "node:module";
import express from "express";
import { DocumentedRouter } from "../openapi/documented-router.js";
import { OPENAPI_MEDIA_TYPE, OPENAPI_PATH } from "../openapi/openapi-path.js";

// The API's description, open to anyone as a public API description is: /openapi.json, and /docs, that
// document rendered by Swagger UI (swagger-ui-dist, served from node_modules). The page and its start-up
// script are files of our own, not inline code, so helmet's strict Content-Security-Policy holds.

const require = createRequire(import.meta.url);
const SWAGGER_UI = (require("swagger-ui-dist") as { getAbsoluteFSPath: () => string }).getAbsoluteFSPath();

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Agricarta preprocessing API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_PATH)},
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: false,
});
`;

/** `openApiText`: the OpenAPI document as served, once every router is known. */
export function docsRoutes(openApiText: () => string): DocumentedRouter {
  const api = new DocumentedRouter("Service");
  api.get(
    OPENAPI_PATH,
    {
      summary: "This document",
      responses: { "200": { description: "OpenAPI 3.1", content: { [OPENAPI_MEDIA_TYPE]: {} } } },
    },
    (_req, res) => {
      res.type(OPENAPI_MEDIA_TYPE).send(openApiText());
    },
  );
  api.get(
    "/docs",
    {
      summary: "This document rendered as a reference page (Swagger UI)",
      responses: { "200": { description: "HTML", content: { "text/html": {} } } },
    },
    (_req, res) => {
      res.type("html").send(PAGE);
    },
  );
  api.get(
    "/docs/init.js",
    {
      summary: "The reference page's start-up script",
      responses: { "200": { description: "JavaScript", content: { "application/javascript": {} } } },
    },
    (_req, res) => {
      res.type("application/javascript").send(INIT);
    },
  );
  api.router.use(
    "/docs/assets",
    express.static(SWAGGER_UI, { index: false, fallthrough: true, maxAge: "1d" }),
  );
  return api;
}
