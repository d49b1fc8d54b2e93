import { cancelSweep } from "../../../../../../server/handlers/sweeps";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";

export const POST = nextRoute(cancelSweep);
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed(["POST"]);
