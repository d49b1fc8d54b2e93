import { transferTeam } from "../../../../../server/handlers/teams";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const POST = nextRoute(transferTeam);
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed(["POST"]);
