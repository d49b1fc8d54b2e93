import { changeMemberRole, removeMember } from "../../../../../../server/handlers/teams";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";

export const PATCH = nextRoute(changeMemberRole);
export const DELETE = nextRoute(removeMember);
export const { GET, POST, PUT } = methodNotAllowed(["PATCH", "DELETE"]);
