import { z } from "zod";
import { unauthenticated } from "./access";
import { json, problem } from "./http";
import { resolvePrincipal, type Principal, type UserPrincipal } from "./identity";
import { services, type Services } from "./services";

/**
 * The gate every handler declares, applied before it runs:
 * - "public": anyone (health, the auth routes, the first-run page's checks);
 * - "signed-in": a signed-in user or a valid API key (401 otherwise); team checks follow inside the handler,
 *   once it knows which team the resource belongs to;
 * - "session": a signed-in user in a browser; API keys drive runs, not team membership (403 for a key).
 */
export type Access = "public" | "signed-in" | "session";

/** What a handler works with: the process's (or a test's) services, the caller, the request and its path params. */
export interface HandlerContext<P, A extends Access> {
  services: Services;
  principal: A extends "public" ? Principal : UserPrincipal;
  request: Request;
  params: P;
}

/** A route's handler, independent of Next: tests invoke it with services they built. */
export interface RouteHandler<P> {
  /** The gate it declared; the access-matrix test reads it. */
  readonly access: Access;
  /** Validates the path params (a malformed id is a 404, never a database error), then handles the request. */
  invoke(services: Services, request: Request, rawParams?: Record<string, string | string[]>): Promise<Response>;
}

const NoParams = z.object({});

/**
 * Defines a handler. `params` validates the path params; `notFound` words the 404 for params that cannot name
 * anything. An unexpected error is logged and answered with a JSON 500 that reveals nothing.
 */
export function defineHandler<A extends Access, P = Record<string, never>>(definition: {
  access: A;
  params?: z.ZodType<P>;
  notFound?: (raw: Record<string, string | string[]>) => string;
  handle(context: HandlerContext<P, A>): Promise<Response>;
}): RouteHandler<P> {
  const schema = (definition.params ?? NoParams) as z.ZodType<P>;
  return {
    access: definition.access,
    async invoke(s, request, rawParams = {}) {
      try {
        const principal = await resolvePrincipal(s, request.headers);
        if (definition.access !== "public") {
          if (principal.kind !== "user") {
            const denial = unauthenticated(principal);
            return json({ error: denial.error }, denial.status, { "www-authenticate": 'Bearer realm="seqlab"' });
          }
          if (definition.access === "session" && principal.via === "key") {
            return problem(403, "this needs a signed-in session: API keys drive runs, not teams (use the dashboard)");
          }
        }
        const parsed = schema.safeParse(rawParams);
        if (!parsed.success) return problem(404, definition.notFound?.(rawParams) ?? "not found");
        return await definition.handle({
          services: s,
          principal: principal as HandlerContext<P, A>["principal"],
          request,
          params: parsed.data,
        });
      } catch (error) {
        console.error(`[web] ${request.method} ${new URL(request.url).pathname} failed:`, error);
        return problem(500, "internal error: the server could not complete this request (see its log)");
      }
    },
  };
}

/** The Next route function for a handler, on this process's services; it carries the handler for the matrix test. */
export function nextRoute<P>(handler: RouteHandler<P>): ((
  request: Request,
  context: { params: Promise<Record<string, string | string[]>> },
) => Promise<Response>) & {
  handler: RouteHandler<P>;
} {
  const route = async (request: Request, context: { params: Promise<Record<string, string | string[]>> }) =>
    handler.invoke(services(), request, (await context?.params) ?? {});
  return Object.assign(route, { handler });
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
