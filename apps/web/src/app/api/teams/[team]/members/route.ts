import { listMembers } from "../../../../../server/handlers/teams";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listMembers);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
