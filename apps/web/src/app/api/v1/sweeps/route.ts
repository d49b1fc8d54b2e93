import { createSweep, listSweeps } from "../../../../server/handlers/sweeps";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listSweeps);
export const POST = nextRoute(createSweep);
export const { PUT, PATCH, DELETE } = methodNotAllowed(["GET", "POST"]);
