import { DocumentedRouter } from "./openapi/documented-router.js";

// The seed's hello, liveness and readiness: open to anyone (probes carry no key).

export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export type CheckReadiness = () => Promise<readonly ReadinessCheck[]>;

export function healthRoutes(checkReadiness: CheckReadiness): DocumentedRouter {
  const api = new DocumentedRouter("Service");
  api.get(
    "/",
    { summary: "The seed's hello", responses: { "200": { description: "Hello, World!" } } },
    (_req, res) => {
      res.type("text/plain").send("Hello, World!");
    },
  );
  api.get(
    "/healthz",
    { summary: "Liveness", responses: { "200": { description: "Alive" } } },
    (_req, res) => {
      res.json({ status: "ok" });
    },
  );
  api.get(
    "/readyz",
    {
      summary: "Readiness: working dir and storage writable, GDAL loads in a worker",
      responses: { "200": { description: "Ready" }, "503": { description: "Not ready, naming what is not" } },
    },
    async (_req, res) => {
      const checks = await checkReadiness();
      const ready = checks.every((c) => c.ok);
      res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks });
    },
  );
  return api;
}
