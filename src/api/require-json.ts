import type { RequestHandler } from "express";
import { HttpProblem } from "./problems.js";

/** 415 for a body that is not application/json (or no body at all); `what` names it in the detail. */
export function requireJson(what: string): RequestHandler {
  return (req, _res, next) => {
    if (req.is("application/json") === false || req.is("application/json") === null) {
      throw new HttpProblem(
        415,
        "Unsupported Media Type",
        `Send ${what} as a JSON body (Content-Type: application/json).`,
      );
    }
    next();
  };
}
