import { z } from "zod";
import { json, problem } from "./http";
import { services, type Services } from "./services";

/** What a handler works with: the process's (or a test's) services, the request and its validated path params. */
export interface HandlerContext<P> {
  services: Services;
  request: Request;
  params: P;
}

/** A route's handler, independent of Next: tests invoke it with services they built. */
export interface RouteHandler<P> {
  /** Validates the path params (a malformed id is a 404, never a database error), then handles the request. */
  invoke(services: Services, request: Request, rawParams?: Record<string, string | string[]>): Promise<Response>;
}

const NoParams = z.object({});

/**
 * Defines a handler. `params` validates the path params; `notFound` words the 404 for params that cannot name
 * anything. An unexpected error is logged and answered with a JSON 500 that reveals nothing.
 */
export function defineHandler<P = Record<string, never>>(definition: {
  params?: z.ZodType<P>;
  notFound?: (raw: Record<string, string | string[]>) => string;
  handle(context: HandlerContext<P>): Promise<Response>;
}): RouteHandler<P> {
  const schema = (definition.params ?? NoParams) as z.ZodType<P>;
  return {
    async invoke(s, request, rawParams = {}) {
      const parsed = schema.safeParse(rawParams);
      if (!parsed.success) return problem(404, definition.notFound?.(rawParams) ?? "not found");
      try {
        return await definition.handle({ services: s, request, params: parsed.data });
      } catch (error) {
        console.error(`[web] ${request.method} ${new URL(request.url).pathname} failed:`, error);
        return problem(500, "internal error: the server could not complete this request (see its log)");
      }
    },
  };
}

/** The Next route function for a handler, on this process's services. */
export function nextRoute<P>(
  handler: RouteHandler<P>,
): (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response> {
  return async (request, context) => handler.invoke(services(), request, (await context?.params) ?? {});
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Route functions for the methods a route does not serve: a JSON 405 naming the ones it does. (Next's own 405 has
 * an empty body.) Destructure it in the route file: `export const { PUT, DELETE } = methodNotAllowed(["GET"])`.
 */
export function methodNotAllowed(allowed: Method[]): Record<Method, () => Response> {
  const answer = () =>
    json({ error: `method not allowed: this route serves ${allowed.join(", ")}` }, 405, { allow: allowed.join(", ") });
  return { GET: answer, POST: answer, PUT: answer, PATCH: answer, DELETE: answer };
}
