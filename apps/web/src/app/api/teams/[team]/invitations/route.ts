import { createInvitation, listInvitations } from "../../../../../server/handlers/teams";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listInvitations);
export const POST = nextRoute(createInvitation);
export const { PUT, PATCH, DELETE } = methodNotAllowed(["GET", "POST"]);
