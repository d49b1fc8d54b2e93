import { revokeMyKey } from "../../../../../server/handlers/account";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const DELETE = nextRoute(revokeMyKey);
export const { GET, POST, PUT, PATCH } = methodNotAllowed(["DELETE"]);
