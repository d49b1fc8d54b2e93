import { cancelInvitation } from "../../../../../../server/handlers/teams";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";

export const DELETE = nextRoute(cancelInvitation);
export const { GET, POST, PUT, PATCH } = methodNotAllowed(["DELETE"]);
