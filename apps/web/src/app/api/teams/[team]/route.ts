import { deleteTeam, getTeam, renameTeam } from "../../../../server/handlers/teams";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(getTeam);
export const PATCH = nextRoute(renameTeam);
export const DELETE = nextRoute(deleteTeam);
export const { POST, PUT } = methodNotAllowed(["GET", "PATCH", "DELETE"]);
