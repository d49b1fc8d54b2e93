import { getSweep } from "../../../../../server/handlers/sweeps";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(getSweep);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
