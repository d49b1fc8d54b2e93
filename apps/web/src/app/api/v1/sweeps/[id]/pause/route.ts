import { pauseSweep } from "../../../../../../server/handlers/sweeps";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";

export const POST = nextRoute(pauseSweep);
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed(["POST"]);
