import { exportArtifact } from "../../../../../../server/handlers/artifacts";
import { methodNotAllowed, nextRoute } from "../../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(exportArtifact);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
