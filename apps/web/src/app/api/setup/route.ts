import { getSetup, postSetup } from "../../../server/handlers/account";
import { methodNotAllowed, nextRoute } from "../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(getSetup);
export const POST = nextRoute(postSetup);
export const { PUT, PATCH, DELETE } = methodNotAllowed(["GET", "POST"]);
