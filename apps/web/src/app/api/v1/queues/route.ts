import { listQueues } from "../../../../server/handlers/client-api";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listQueues);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
