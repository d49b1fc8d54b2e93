import { listRunFields } from "../../../../server/handlers/runs";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listRunFields);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
