import { createProject, listProjects } from "../../../../../server/handlers/teams";
import { methodNotAllowed, nextRoute } from "../../../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(listProjects);
export const POST = nextRoute(createProject);
export const { PUT, PATCH, DELETE } = methodNotAllowed(["GET", "POST"]);
