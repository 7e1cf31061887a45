import { Router } from "express";

// The seed's hello, liveness and readiness.

export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export type CheckReadiness = () => Promise<readonly ReadinessCheck[]>;

export function healthRoutes(checkReadiness: CheckReadiness): Router {
  const router = Router();
  router.get("/", (_req, res) => {
    res.type("text/plain").send("Hello, World!");
  });
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const checks = await checkReadiness();
    const ready = checks.every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks });
  });
  return router;
}
