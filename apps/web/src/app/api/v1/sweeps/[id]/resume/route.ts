import { resumeSweep } from "../../../../../../server/handlers/sweeps";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";

export const POST = nextRoute(resumeSweep);
export const { GET, PUT, PATCH, DELETE } = methodNotAllowed(["POST"]);
