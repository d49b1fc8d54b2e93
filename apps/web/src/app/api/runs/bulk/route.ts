import { bulkRuns } from "../../../../server/handlers/runs";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const POST = nextRoute(bulkRuns);
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed(["POST"]);
