import { downloadArtifact } from "../../../../../server/handlers/artifacts";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(downloadArtifact);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
