import { postSignUp } from "../../../../server/handlers/account";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const POST = nextRoute(postSignUp);
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed(["POST"]);
