import { createMyKey, listMyKeys } from "../../../../server/handlers/account";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listMyKeys);
export const POST = nextRoute(createMyKey);
export const { PUT, PATCH, DELETE } = methodNotAllowed(["GET", "POST"]);
