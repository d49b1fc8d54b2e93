import { getRun } from "../../../../../server/handlers/run";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(getRun);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
