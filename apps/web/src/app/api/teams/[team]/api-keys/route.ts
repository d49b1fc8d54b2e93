import { listTeamKeys } from "../../../../../server/handlers/teams";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listTeamKeys);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
