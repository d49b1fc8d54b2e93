import { postPoints } from "../../../../../../server/handlers/client-api";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";

export const POST = nextRoute(postPoints);
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed(["POST"]);
