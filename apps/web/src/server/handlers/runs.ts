import { Slug } from "@seqlab/contracts";
import { z } from "zod";
import { readableTeams, teamPermission } from "../access";
import { json, problem, readBody, readQuery } from "../http";
import { defineHandler } from "../route";
import { LaunchValidationError, resolveRunConfig } from "../run-service";

const ListQuery = z.object({
  team: Slug.optional(),
  project: Slug.optional(),
  /** At most 1000 rows per request; the runs table pages beyond that. */
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** GET /api/runs: the caller's runs, newest first, of every team they may read (`?team=`, `?project=` narrow it). */
export const listRuns = defineHandler({
  access: "signed-in",
  async handle({ services, principal, request }) {
    const read = readQuery(request, ListQuery);
    if (!read.ok) return read.response;
    const { team, project, limit } = read.query;
    const teams = await readableTeams(services.teams, principal);
    if (team && !teams.some((t) => t.slug === team)) return problem(404, `team ${JSON.stringify(team)} not found`);
    const runs = await services.runs.listRuns({
      teamIds: teams.map((t) => t.teamId),
      ...(team ? { teamSlug: team } : {}),
      ...(project ? { projectSlug: project } : {}),
      limit,
    });
    return json({ runs });
  },
});

/**
 * POST /api/runs: 201 with the run (and warnings), 400 listing every bad field, 403/404 when the caller may not
 * launch in that team or project, 429 past the per-user launch rate. Nothing is written or queued unless it is 201.
 */
export const launchRun = defineHandler({
  access: "signed-in",
  async handle({ services, principal, request }) {
    const body = await readBody(request, z.unknown());
    if (!body.ok) return body.response;
    let resolved: ReturnType<typeof resolveRunConfig>;
    try {
      resolved = resolveRunConfig(body.body);
    } catch (error) {
      if (error instanceof LaunchValidationError) return problem(400, "invalid run request", error.issues);
      throw error;
    }
    const { request: launch } = resolved;
    const mine = await readableTeams(services.teams, principal);
    const teamSlug = launch.team ?? (mine.length === 1 ? mine[0]!.slug : undefined);
    if (!teamSlug) {
      return problem(400, "invalid run request", [
        {
          path: "team",
          message: `you belong to ${mine.length} teams: say which one (${mine.map((t) => t.slug).join(", ")})`,
        },
      ]);
    }
    const team = await services.teams.findTeamBySlug(teamSlug);
    const teamNotFound = `team ${JSON.stringify(teamSlug)} not found`;
    if (!team) return problem(404, teamNotFound);
    const decision = await teamPermission(services.teams, principal, team.id, ["run", "launch"], teamNotFound);
    if (!decision.ok) return problem(decision.denial.status, decision.denial.error);
    const project = await services.projects.findProject(team.id, launch.project);
    if (!project) {
      return problem(
        404,
        `project ${JSON.stringify(launch.project)} not found in team ${team.slug} (an admin creates projects)`,
      );
    }
    const limited = await services.rateLimiter.hit(`launch:${principal.userId}`, services.limits.launchesPerMinute, 60);
    if (!limited.allowed) {
      return json(
        {
          error: `at most ${services.limits.launchesPerMinute} launches per minute: try again in ${limited.retryAfterSeconds} s`,
        },
        429,
        { "retry-after": String(limited.retryAfterSeconds) },
      );
    }
    const { run, warnings } = await services.runService.launch({
      ...resolved,
      projectId: project.id,
      createdById: principal.userId,
    });
    await services.audit.record({
      teamId: team.id,
      actorUserId: principal.userId,
      actorKeyId: principal.via === "key" ? principal.keyId : null,
      action: "run.launch",
      targetType: "run",
      targetId: run.id,
      data: { name: run.name, project: project.slug, model: resolved.config.model, dataset: resolved.config.dataset },
    });
    return json({ run, warnings }, 201);
  },
});
