import { getPrometheusMetrics } from "../../server/handlers/operations";
import { methodNotAllowed, nextRoute } from "../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(getPrometheusMetrics);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
