import { launchRun, listRuns } from "../../../../server/handlers/runs";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listRuns);
export const POST = nextRoute(launchRun);
export const { PUT, PATCH, DELETE } = methodNotAllowed(["GET", "POST"]);
