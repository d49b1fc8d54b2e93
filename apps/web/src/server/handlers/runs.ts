import { z } from "zod";
import { json, problem, readBody, readQuery } from "../http";
import { defineHandler } from "../route";
import { LaunchValidationError } from "../run-service";

const ListQuery = z.object({
  project: z.string().optional(),
  /** At most 1000 rows per request; the runs table pages beyond that. */
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** GET /api/runs: runs, newest first. `?project=slug` filters, `?limit=` caps (default 200, at most 1000). */
export const listRuns = defineHandler({
  async handle({ services, request }) {
    const read = readQuery(request, ListQuery);
    if (!read.ok) return read.response;
    const { project, limit } = read.query;
    const runs = await services.runs.listRuns({ ...(project ? { projectSlug: project } : {}), limit });
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
