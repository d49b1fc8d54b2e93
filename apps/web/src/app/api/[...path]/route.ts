import { unknownApiPath } from "../../../server/handlers/platform";
import { nextRoute } from "../../../server/route";

export const dynamic = "force-dynamic";

export const GET = nextRoute(unknownApiPath);
export const POST = nextRoute(unknownApiPath);
export const PUT = nextRoute(unknownApiPath);
export const PATCH = nextRoute(unknownApiPath);
export const DELETE = nextRoute(unknownApiPath);
export const HEAD = nextRoute(unknownApiPath);
export const OPTIONS = nextRoute(unknownApiPath);
