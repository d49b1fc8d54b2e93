import { z } from "zod";
import { json, readBody } from "../http";
import { defineHandler } from "../route";
import { LaunchValidationError } from "../run-service";
import { problem } from "../http";

const ListQuery = z.object({
  project: z.string().optional(),
  /** At most 1000 rows per request; the runs table pages beyond that. */
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** GET /api/runs: runs, newest first. `?project=slug` filters, `?limit=` caps (default 200, at most 1000). */
export const listRuns = defineHandler({
  async handle({ services, request }) {
    const query = ListQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) {
      return problem(
        400,
        "invalid query",
        query.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      );
    }
    const runs = await services.runs.listRuns({
      ...(query.data.project ? { projectSlug: query.data.project } : {}),
      limit: query.data.limit,
    });
    return json({ runs });
  },
});

/** POST /api/runs: 201 with the run (and warnings), or 400 listing every bad field (nothing written or queued). */
export const launchRun = defineHandler({
  async handle({ services, request }) {
    const body = await readBody(request, z.unknown());
    if (!body.ok) return body.response;
    try {
      const { run, warnings } = await services.runService.launch(body.body);
      return json({ run, warnings }, 201);
    } catch (error) {
      if (error instanceof LaunchValidationError) return problem(400, "invalid run request", error.issues);
      throw error;
    }
  },
});
