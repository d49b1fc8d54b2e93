import { tfjsWeights } from "../../../../../../server/handlers/artifacts";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(tfjsWeights);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
