import { createHash, timingSafeEqual } from "node:crypto";
import { unauthenticated } from "../access";
import { json, problem } from "../http";
import { resolvePrincipal } from "../identity";
import { prometheusFor } from "../prometheus";
import type { RouteHandler } from "../route";
import type { Services } from "../services";

const BEARER = /^Bearer\s+(\S+)$/i;

/** Whether `given` is the metrics token, in time independent of where they differ (digests of equal length). */
function isMetricsToken(expected: string | null, given: string): boolean {
  if (expected === null) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** Who may read the metrics: the scraper with SEQLAB_METRICS_TOKEN, or an instance admin (by session or API key). */
async function metricsDenial(services: Services, headers: Headers): Promise<Response | null> {
  const bearer = BEARER.exec(headers.get("authorization")?.trim() ?? "")?.[1];
  if (bearer !== undefined && isMetricsToken(services.metricsToken, bearer)) return null;
  const principal = await resolvePrincipal(services, headers);
  if (principal.kind !== "user") {
    const denial = unauthenticated(principal);
    const error =
      services.metricsToken === null
        ? denial.error
        : `${denial.error}; a scraper sends 'Authorization: Bearer <SEQLAB_METRICS_TOKEN>'`;
    return json({ error }, denial.status, { "www-authenticate": 'Bearer realm="seqlab"' });
  }
  if (principal.isInstanceAdmin) return null;
  return problem(
    403,
    "the operations metrics are for the instance's admins: sign in as one, or scrape with SEQLAB_METRICS_TOKEN",
  );
}

/**
 * GET /metrics: the Prometheus text exposition of this web process (queues, runs, workers, checkpoints, live
 * streams, ingested points). Declared public because its gate is its own: the metrics token is checked before any
 * session or API key lookup, so a scrape every few seconds costs no key verification.
 */
export const getPrometheusMetrics: RouteHandler<Record<string, never>> = {
  access: "public",
  async invoke(services, request) {
    try {
      const denial = await metricsDenial(services, request.headers);
      if (denial) return denial;
      const { registry } = prometheusFor(services);
      return new Response(await registry.metrics(), {
        headers: { "content-type": registry.contentType, "cache-control": "no-store" },
      });
    } catch (error) {
      console.error("[web] GET /metrics failed:", error);
      return problem(500, "internal error: the metrics could not be read (see the server's log)");
    }
  },
};
