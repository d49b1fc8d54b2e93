import { getAccount } from "../../../../server/handlers/account";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(getAccount);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
