import { services } from "../../../server/services";
import { json } from "../../../server/http";

export const dynamic = "force-dynamic";

/** Liveness and readiness: the database and Redis both answer. */
export async function GET(): Promise<Response> {
  const s = services();
  const [db, redis] = await Promise.all([
    s.prisma.$queryRaw`SELECT 1`.then(() => "ok", (e: unknown) => String(e)),
    s.redis.ping().then(() => "ok", (e: unknown) => String(e)),
  ]);
  const ok = db === "ok" && redis === "ok";
  return json({ status: ok ? "ok" : "degraded", db, redis }, ok ? 200 : 503);
}
