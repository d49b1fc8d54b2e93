import { getOpenApiDocument } from "../../../../server/handlers/openapi";
import { methodNotAllowed, nextRoute } from "../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(getOpenApiDocument);
export const { POST, PUT, PATCH, DELETE } = methodNotAllowed(["GET"]);
