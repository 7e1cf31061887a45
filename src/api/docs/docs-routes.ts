import { createRequire } from "node:module";
import express, { Router } from "express";
import { OPENAPI_PATH } from "../openapi-path.js";

// /docs: the OpenAPI document rendered by Swagger UI (swagger-ui-dist, served from node_modules). The page and
// its start-up script are files of our own, not inline code, so helmet's strict Content-Security-Policy holds.

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

export function docsRoutes(): Router {
  const router = Router();
  router.get("/docs", (_req, res) => {
    res.type("html").send(PAGE);
  });
  router.get("/docs/init.js", (_req, res) => {
    res.type("application/javascript").send(INIT);
  });
  router.use("/docs/assets", express.static(SWAGGER_UI, { index: false, fallthrough: true, maxAge: "1d" }));
  return router;
}
