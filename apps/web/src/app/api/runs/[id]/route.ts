import { getRun, patchRun } from "../../../../server/handlers/run";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(getRun);
export const PATCH = nextRoute(patchRun);
export const { POST, PUT, DELETE } = methodNotAllowed(["GET", "PATCH"]);
