import { Slug } from "@seqlab/contracts";
import { z } from "zod";
import { readableTeams } from "../access";
import { describeCatalog } from "../catalog";
import { json, problem } from "../http";
import { defineHandler } from "../route";

/** GET /api/catalog: models, datasets and training settings as JSON Schemas with defaults. */
export const getCatalog = defineHandler({
  access: "signed-in",
  async handle() {
    return json(describeCatalog());
  },
});

/** A dependency that does not answer within this long counts as down: health probes have short timeouts. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * GET /api/health: public, for load balancers and probes, so it says only up or down; why is in the server's log
 * (a stranger learns nothing about the database or Redis from it).
 */
export const getHealth = defineHandler({
  access: "public",
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
        () => null,
        (e: unknown) => String(e),
      ),
      within(services.redis.ping()).then(
        () => null,
        (e: unknown) => String(e),
      ),
    ]);
    if (db === null && redis === null) return json({ status: "ok" });
    console.error(`[web] health: database ${db ?? "ok"}; redis ${redis ?? "ok"}`);
    return json({ status: "down" }, 503);
  },
});

/**
 * GET /api/queues/:queue: the runs waiting in a queue, next first, with their positions. Queues are shared by every
 * team; the caller sees the positions of the runs they may read, and how many wait in all.
 */
export const getQueue = defineHandler({
  access: "signed-in",
  params: z.object({ queue: Slug }),
  notFound: (raw) => `queue ${JSON.stringify(raw.queue ?? "")} not found: queue names are slugs such as "default"`,
  async handle({ services, principal, params }) {
    const order = await services.runService.waiting(params.queue);
    const readable = new Set((await readableTeams(services.teams, principal)).map((t) => t.teamId));
    const waiting: { runId: string; position: number }[] = [];
    for (const [i, runId] of order.entries()) {
      const ownership = await services.runs.runOwnership(runId);
      if (ownership && readable.has(ownership.teamId)) waiting.push({ runId, position: i + 1 });
    }
    return json({ queue: params.queue, total: order.length, waiting });
  },
});

/**
 * GET /api/workers: every registered worker with its state. Workers are trusted infrastructure: the instance's
 * operators see everything (host, pid, memory, current run); everyone else sees backend, device, queues and state.
 */
export const listWorkers = defineHandler({
  access: "signed-in",
  async handle({ services, principal }) {
    const workers = await services.workers.listWorkers();
    if (principal.isInstanceAdmin) {
      return json({
        workers: workers.map((w) => ({
          ...w,
          deviceMemory: w.deviceMemory === null || w.deviceMemory === undefined ? null : Number(w.deviceMemory),
        })),
      });
    }
    return json({
      workers: workers.map((w, i) => ({
        name: `worker ${workers.length - i}`,
        backend: w.backend,
        device: w.device,
        queues: w.queues,
        concurrency: w.concurrency,
        state: w.state,
        lastHeartbeat: w.lastHeartbeat,
      })),
    });
  },
});

/** Any /api path that no route serves: a JSON 404 (not the HTML page), whatever the method. */
export const unknownApiPath = defineHandler({
  access: "public",
  async handle({ request }) {
    return problem(404, `no API route ${request.method} ${new URL(request.url).pathname}`);
  },
});
