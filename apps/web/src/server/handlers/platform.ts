import { Slug } from "@seqlab/contracts";
import { z } from "zod";
import { describeCatalog } from "../catalog";
import { json, problem } from "../http";
import { defineHandler } from "../route";

/** GET /api/catalog: models, datasets and training settings as JSON Schemas with defaults. */
export const getCatalog = defineHandler({
  async handle() {
    return json(describeCatalog());
  },
});

/** A dependency that does not answer within this long counts as down: health probes have short timeouts. */
const PROBE_TIMEOUT_MS = 2_000;

/** GET /api/health: whether the database and Redis both answer. */
export const getHealth = defineHandler({
  async handle({ services }) {
    const within = <T>(p: Promise<T>) =>
      Promise.race([
        p,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("no answer within 2 s")), PROBE_TIMEOUT_MS),
        ),
      ]);
    const [db, redis] = await Promise.all([
      within(services.health.ping()).then(
        () => "ok",
        (e: unknown) => String(e),
      ),
      within(services.redis.ping()).then(
        () => "ok",
        (e: unknown) => String(e),
      ),
    ]);
    const ok = db === "ok" && redis === "ok";
    return json({ status: ok ? "ok" : "degraded", db, redis }, ok ? 200 : 503);
  },
});

/** GET /api/queues/:queue: the runs waiting in a queue, next first, with their positions. */
export const getQueue = defineHandler({
  params: z.object({ queue: Slug }),
  notFound: (raw) => `queue ${JSON.stringify(raw.queue ?? "")} not found: queue names are slugs such as "default"`,
  async handle({ services, params }) {
    const order = await services.runService.waiting(params.queue);
    return json({ queue: params.queue, waiting: order.map((runId, i) => ({ runId, position: i + 1 })) });
  },
});

/** GET /api/workers: every registered worker with its state (idle, busy, lost, stopped) and current run. */
export const listWorkers = defineHandler({
  async handle({ services }) {
    const workers = await services.workers.listWorkers();
    return json({
      workers: workers.map((w) => ({
        ...w,
        deviceMemory: w.deviceMemory === null || w.deviceMemory === undefined ? null : Number(w.deviceMemory),
      })),
    });
  },
});

/** Any /api path that no route serves: a JSON 404 (not the HTML page), whatever the method. */
export const unknownApiPath = defineHandler({
  async handle({ request }) {
    return problem(404, `no API route ${request.method} ${new URL(request.url).pathname}`);
  },
});
