import { Router, type RequestHandler } from "express";

// An Express router whose every route is registered together with its OpenAPI operation, so that adding a
// route and documenting it are one change; openApiDocument() gathers the paths of all the routers.

/** An OpenAPI 3.1 operation object (summary, parameters, requestBody, responses...). */
export type Operation = Readonly<Record<string, unknown>>;

/** OpenAPI paths: path (in OpenAPI form, /jobs/{jobId}) -> method -> operation. */
export type PathItems = Record<string, Record<string, Operation>>;

/** What createApp() mounts: the routes, and their description for the OpenAPI document. */
export interface DocumentedRoutes {
  readonly router: Router;
  readonly paths: PathItems;
}

type Method = "get" | "post" | "delete";

export class DocumentedRouter implements DocumentedRoutes {
  readonly router = Router();
  readonly paths: PathItems = {};

  /** `tag` groups the operations on the reference page (/docs). */
  constructor(readonly tag: string) {}

  get(path: string | readonly string[], operation: Operation, ...handlers: RequestHandler[]): this {
    return this.#add("get", path, operation, handlers);
  }

  post(path: string | readonly string[], operation: Operation, ...handlers: RequestHandler[]): this {
    return this.#add("post", path, operation, handlers);
  }

  delete(path: string | readonly string[], operation: Operation, ...handlers: RequestHandler[]): this {
    return this.#add("delete", path, operation, handlers);
  }

  #add(
    method: Method,
    path: string | readonly string[],
    operation: Operation,
    handlers: RequestHandler[],
  ): this {
    const paths = typeof path === "string" ? [path] : [...path];
    for (const one of new Set(paths.map(openApiPath))) {
      (this.paths[one] ??= {})[method] = { ...operation, tags: [this.tag] };
    }
    // One path as a string, so that req.route.path (the metrics' route label) is that string.
    this.router[method](paths.length === 1 ? paths[0]! : paths, ...handlers);
    return this;
  }
}

/** An Express path in OpenAPI form: /jobs/:jobId/outputs/*file -> /jobs/{jobId}/outputs/{file}. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/\/$/, "").replace(/[:*](\w+)/g, "{$1}") || "/";
}

/** The paths of several routers as one. */
export function mergePaths(routes: readonly DocumentedRoutes[]): PathItems {
  const merged: PathItems = {};
  for (const { paths } of routes) {
    for (const [path, operations] of Object.entries(paths)) merged[path] = { ...merged[path], ...operations };
  }
  return merged;
}
