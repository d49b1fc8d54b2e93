import { services } from "../../../server/services";
import { json } from "../../../server/http";

export const dynamic = "force-dynamic";

/** Liveness and readiness: the database and Redis both answer. */
export async function GET(): Promise<Response> {
  const s = services();
  // Probes have short timeouts; a dependency that does not answer within 2 s counts as down.
  const within = <T>(p: Promise<T>) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer within 2 s")), 2_000)),
    ]);
  const [db, redis] = await Promise.all([
    within(s.prisma.$queryRaw`SELECT 1`).then(
      () => "ok",
      (e: unknown) => String(e),
    ),
    within(s.redis.ping()).then(
      () => "ok",
      (e: unknown) => String(e),
    ),
  ]);
  const ok = db === "ok" && redis === "ok";
  return json({ status: ok ? "ok" : "degraded", db, redis }, ok ? 200 : 503);
}
