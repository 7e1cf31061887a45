import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler, Response } from "express";
import { pinoHttp } from "pino-http";
import type { Logger } from "../logging/create-logger.js";

// One log line per request with pino-http: request id (the caller's X-Request-Id when it is sane), method,
// route, status, latency and the job id where there is one. Handlers log through the request's child logger.

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestLogger(res: Response): Logger {
  return (res.locals as { log: Logger }).log;
}

/** Logs the request's line at this level whatever its status (a documented 500 that is no fault of ours). */
export function logRequestAs(res: Response, level: "info" | "warn"): void {
  res.locals["requestLogLevel"] = level;
}

export function requestContext(logger: Logger): RequestHandler {
  const http = pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers["x-request-id"];
      const id = typeof incoming === "string" && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    customAttributeKeys: { responseTime: "ms" },
    // The request as a line needs no headers (and so never carries a credential): method and path.
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split("?")[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    customProps: (req: IncomingMessage, res: ServerResponse) => {
      const jobId = (res as unknown as Response).locals?.["jobId"] as string | undefined;
      return { requestId: req.id, ...(jobId === undefined ? {} : { jobId }) };
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => {
      const chosen = (res as unknown as Response).locals?.["requestLogLevel"] as "info" | "warn" | undefined;
      if (chosen !== undefined) return chosen;
      return error !== undefined || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info";
    },
    customSuccessMessage: () => "request",
    customErrorMessage: () => "request",
  });
  return (req, res, next) => {
    http(req, res);
    res.locals["requestId"] = req.id;
    res.locals["log"] = req.log;
    next();
  };
}
