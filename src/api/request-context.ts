import type { RequestHandler, Response } from "express";
import { v4 as uuidv4 } from "uuid";
import type { Logger } from "../logging/create-logger.js";

// Each request gets an id (the caller's X-Request-Id when it is sane) and a child logger bound to it.

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface RequestLocals {
  requestId: string;
  log: Logger;
}

export function requestLogger(res: Response): Logger {
  return (res.locals as RequestLocals).log;
}

export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : uuidv4();
    const log = logger.child({ requestId });
    Object.assign(res.locals, { requestId, log } satisfies RequestLocals);
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const jobId = (res.locals as { jobId?: string }).jobId;
      log.info({ method: req.method, path: req.path, status: res.statusCode, ms, jobId }, "request");
    });
    next();
  };
}
