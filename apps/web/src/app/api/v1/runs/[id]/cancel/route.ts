import { cancelRun } from "../../../../../../server/handlers/run";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";

export const POST = nextRoute(cancelRun);
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed(["POST"]);
