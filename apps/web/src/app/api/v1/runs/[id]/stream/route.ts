import { streamRun } from "../../../../../../server/handlers/run";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = nextRoute(streamRun);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
