import { createTeam, listTeams } from "../../../server/handlers/teams";
import { methodNotAllowed, nextRoute } from "../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listTeams);
export const POST = nextRoute(createTeam);
export const { PUT, PATCH, DELETE } = methodNotAllowed(["GET", "POST"]);
