import type { RequestHandler, Response } from "express";
import { ANONYMOUS, type ApiKeys, type Principal } from "../auth/api-keys.js";
import { HttpProblem } from "./problems.js";

// Who is calling: a bearer API key checked against the keys file, or nobody in particular when authentication
// is switched off by configuration.

export type Authentication =
  { readonly kind: "api_keys"; readonly keys: ApiKeys } | { readonly kind: "disabled" };

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]{1,512})[ ]*$/i;
const CHALLENGE = 'Bearer realm="agricarta"';

export function principalOf(res: Response): Principal {
  const principal = (res.locals as { principal?: Principal }).principal;
  if (principal === undefined) throw new Error("route is not behind requireApiKey()");
  return principal;
}

/** 401 without a valid key; otherwise res.locals.principal is set for the handlers after it. */
export function requireApiKey(authentication: Authentication): RequestHandler {
  return (req, res, next) => {
    if (authentication.kind === "disabled") {
      res.locals["principal"] = ANONYMOUS;
      next();
      return;
    }
    const header = req.get("authorization");
    if (header === undefined || header.trim() === "") {
      res.setHeader("WWW-Authenticate", CHALLENGE);
      throw new HttpProblem(
        401,
        "Authentication required",
        "Send an API key in the Authorization header: Authorization: Bearer <key>.",
      );
    }
    const key = BEARER.exec(header)?.[1];
    const principal = key === undefined ? undefined : authentication.keys.authenticate(key);
    if (principal === undefined) {
      res.setHeader("WWW-Authenticate", `${CHALLENGE}, error="invalid_token"`);
      throw new HttpProblem(401, "Invalid API key", "The API key is not valid for this service.");
    }
    res.locals["principal"] = principal;
    next();
  };
}

/** 403 unless the principal owns the job or is an admin. */
export function assertMayAccess(principal: Principal, jobId: string, owner: string): void {
  if (principal.admin || principal.owner === owner) return;
  throw new HttpProblem(403, "Forbidden", `Job ${jobId} belongs to another client; this key may not use it.`);
}
