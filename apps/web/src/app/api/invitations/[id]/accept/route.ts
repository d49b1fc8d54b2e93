import { acceptInvitation } from "../../../../../server/handlers/account";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const POST = nextRoute(acceptInvitation);
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed(["POST"]);
