import {
  EntityId,
  FilterSyntaxError,
  MAX_RUN_TAGS,
  RunFilterText,
  RunTag,
  Slug,
  parseFieldRef,
  parseRunFilter,
  splitFieldList,
} from "@seqlab/contracts";
import { z } from "zod";
import { readableTeams, runPermission, teamPermission } from "../access";
import { json, problem, readBody, readQuery } from "../http";
import { defineHandler } from "../route";
import { resolveLaunchTarget } from "../launch-target";
import { LaunchValidationError, resolveRunConfig } from "../run-service";

const ListQuery = z.object({
  team: Slug.optional(),
  project: Slug.optional(),
  /** A filter expression (see the README's "Filter" section), e.g. `status = RUNNING AND summary.loss < 0.1`. */
  filter: RunFilterText.optional(),
  /** Fields to sort by, comma-separated, `-` first for descending: `-summary.val/loss.min,created`. */
  sort: z.string().max(2000).optional(),
  /** Extra columns to return, comma-separated fields: `config.training.learningRate,summary.loss.min`. */
  columns: z.string().max(4000).optional(),
  /** At most 1000 rows per request; the runs table pages beyond that with `offset`. */
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

/** At most this many extra columns or sort fields per request. */
const MAX_FIELDS = 64;

type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

/** Runs a parser of one query parameter; a syntax error becomes a 400 that names the parameter and the position. */
function parseParam<T>(param: string, parse: () => T): Parsed<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    // The message ends "at <offset>": the dashboard puts a caret there.
    const response = problem(400, `invalid ${param}: ${error.message}`, [{ path: param, message: error.message }]);
    return { ok: false, response };
  }
}

/** The parsed table query, or the 400 to answer with. */
function parseTableQuery(query: z.infer<typeof ListQuery>) {
  const filter = parseParam("filter", () => (query.filter ? parseRunFilter(query.filter) : null));
  if (!filter.ok) return filter;
  const sort = parseParam("sort", () =>
    splitFieldList(query.sort ?? "").map((text) => {
      const desc = text.startsWith("-");
      return { field: parseFieldRef(desc ? text.slice(1) : text), desc };
    }),
  );
  if (!sort.ok) return sort;
  const columns = parseParam("columns", () => splitFieldList(query.columns ?? "").map((text) => parseFieldRef(text)));
  if (!columns.ok) return columns;
  if (sort.value.length > MAX_FIELDS || columns.value.length > MAX_FIELDS) {
    return {
      ok: false as const,
      response: problem(400, `at most ${MAX_FIELDS} sort fields and ${MAX_FIELDS} columns`),
    };
  }
  return { ok: true as const, filter: filter.value, sort: sort.value, columns: columns.value };
}

/**
 * GET /api/runs: the runs table. The caller's runs of every team they may read (`?team=`, `?project=` narrow it),
 * filtered (`?filter=`), sorted (`?sort=`, then newest first), with extra columns (`?columns=`), a page at a time
 * (`?limit=`, `?offset=`); `total` counts every run that matches.
 */
export const listRuns = defineHandler({
  access: "signed-in",
  async handle({ services, principal, request }) {
    const read = readQuery(request, ListQuery);
    if (!read.ok) return read.response;
    const { team, project, limit, offset } = read.query;
    const parsed = parseTableQuery(read.query);
    if (!parsed.ok) return parsed.response;
    const teams = await readableTeams(services.teams, principal);
    if (team && !teams.some((t) => t.slug === team)) return problem(404, `team ${JSON.stringify(team)} not found`);
    const { total, rows } = await services.runs.queryRuns({
      teamIds: teams.map((t) => t.teamId),
      ...(team ? { teamSlug: team } : {}),
      ...(project ? { projectSlug: project } : {}),
      filter: parsed.filter,
      sort: parsed.sort,
      columns: parsed.columns,
      limit,
      offset,
    });
    return json({ runs: rows, total, offset });
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
    const target = await resolveLaunchTarget(
      services,
      principal,
      { team: launch.team, project: launch.project },
      { invalid: "invalid run request", noun: "launches" },
    );
    if (!target.ok) return target.response;
    const { team, project } = target;
    // A clone links back to its parent: one the caller may read, in the same team (never a way to probe other teams).
    if (launch.parentRunId !== undefined) {
      const parent = await runPermission(services, principal, launch.parentRunId, "read");
      const ownership = parent.ok ? await services.runs.runOwnership(launch.parentRunId) : null;
      if (!ownership || ownership.teamId !== team.id) {
        return problem(400, "invalid run request", [
          { path: "parentRunId", message: "is not a run of this team that you may read" },
        ]);
      }
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

const FieldsQuery = z.object({ team: Slug.optional(), project: Slug.optional() });

/** GET /api/runs/fields: the config keys and summary metrics the caller's runs have (column picker, filter builder). */
export const listRunFields = defineHandler({
  access: "signed-in",
  async handle({ services, principal, request }) {
    const read = readQuery(request, FieldsQuery);
    if (!read.ok) return read.response;
    const teams = (await readableTeams(services.teams, principal)).filter(
      (t) => !read.query.team || t.slug === read.query.team,
    );
    const teamIds = teams.map((t) => t.teamId);
    const [config, summary] = await Promise.all([
      services.runs.configKeys(teamIds, read.query.project),
      services.metrics.summaryKeys(teamIds, read.query.project),
    ]);
    return json({ config, summary });
  },
});

const BulkAction = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("tag"),
    runIds: z.array(EntityId).min(1).max(1000),
    tags: z.array(RunTag).min(1).max(MAX_RUN_TAGS),
  }),
  z.strictObject({
    action: z.literal("untag"),
    runIds: z.array(EntityId).min(1).max(1000),
    tags: z.array(RunTag).min(1).max(MAX_RUN_TAGS),
  }),
  z.strictObject({ action: z.literal("cancel"), runIds: z.array(EntityId).min(1).max(1000) }),
]);

/**
 * POST /api/runs/bulk `{ action: "tag" | "untag" | "cancel", runIds, tags? }`: the runs table's bulk actions. Each
 * run is checked on its own (the caller's own runs, or any run of a team they administer); the answer lists what
 * happened to each, and a run the caller may not change is left as it was. When it may change none of them, the
 * answer is the first denial's status (403, or 404 for runs it cannot see), as for one run.
 */
export const bulkRuns = defineHandler({
  access: "signed-in",
  async handle({ services, principal, request }) {
    const body = await readBody(request, BulkAction);
    if (!body.ok) return body.response;
    const action = body.body;
    const ids = [...new Set(action.runIds)];
    const results: { id: string; ok: boolean; status: number; outcome?: string; error?: string }[] = [];
    const allowed: { id: string; teamId: string }[] = [];
    for (const id of ids) {
      const decision = await runPermission(services, principal, id, "modify");
      if (decision.ok) allowed.push({ id, teamId: decision.teamId! });
      else results.push({ id, ok: false, status: decision.denial.status, error: decision.denial.error });
    }
    // Nothing the caller may change: answer like the single-run routes would (403, or 404 for runs it cannot see).
    if (allowed.length === 0) {
      const first = results[0]!;
      return json({ error: first.error, results }, first.status);
    }
    const actor = { actorUserId: principal.userId, actorKeyId: principal.via === "key" ? principal.keyId : null };
    if (action.action === "cancel") {
      for (const { id, teamId } of allowed) {
        const outcome = await services.runService.cancel(id);
        if (outcome === "missing") results.push({ id, ok: false, status: 404, error: `run ${id} not found` });
        else if (outcome === "finished") results.push({ id, ok: false, status: 409, error: "already finished" });
        else {
          results.push({ id, ok: true, status: 202, outcome });
          await services.audit.record({
            teamId,
            ...actor,
            action: "run.cancel",
            targetType: "run",
            targetId: id,
            data: { outcome, bulk: true },
          });
        }
      }
    } else {
      const change = action.action === "tag" ? { add: action.tags } : { remove: action.tags };
      await services.runs.retagRuns(
        allowed.map((a) => a.id),
        change,
      );
      for (const { id, teamId } of allowed) {
        results.push({ id, ok: true, status: 200 });
        await services.audit.record({
          teamId,
          ...actor,
          action: "run.edit",
          targetType: "run",
          targetId: id,
          data: { fields: "tags", [action.action === "tag" ? "added" : "removed"]: action.tags.join(", "), bulk: true },
        });
      }
    }
    return json({ results });
  },
});
