import { authEndpoint } from "../../../../server/handlers/auth";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(authEndpoint);
export const POST = nextRoute(authEndpoint);
export const { PUT, PATCH, DELETE } = methodNotAllowed(["GET", "POST"]);
