import { NextResponse, type NextRequest } from "next/server";

/** Methods some route may answer; anything else (TRACE, CONNECT, made-up ones) gets a 405 before routing. */
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

function refuse(status: number, error: string, headers: Record<string, string> = {}): NextResponse {
  return NextResponse.json({ error }, { status, headers });
}

/**
 * The first look at every request, before Next routes it: a path that is not valid percent-encoded UTF-8 (`%ff`,
 * `%c0%af`) or that holds a NUL or another control character gets a 400 with a JSON body, and a method no route
 * answers gets a 405, instead of the 500 that Next or PostgreSQL would produce further in.
 */
export function proxy(request: NextRequest): NextResponse {
  if (!KNOWN_METHODS.has(request.method)) {
    return refuse(405, `method ${request.method} is not allowed`, { allow: [...KNOWN_METHODS].join(", ") });
  }
  const rawPath = request.url.slice(request.url.indexOf("/", request.url.indexOf("//") + 2)).split("?")[0] ?? "";
  for (const segment of rawPath.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return refuse(400, `the path has malformed percent-encoding: ${JSON.stringify(segment)}`);
    }
    if (/[\u0000-\u001f\u007f]/.test(decoded)) return refuse(400, "the path contains a control character");
  }
  return NextResponse.next();
}

export const config = { matcher: "/:path*" };
