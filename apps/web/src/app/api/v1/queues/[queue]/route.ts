import { getQueue } from "../../../../../server/handlers/platform";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(getQueue);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
