import { FilterSyntaxError, Slug, parseFieldRef, parseRunFilter, type FilterNode } from "@seqlab/contracts";
import { notFound } from "next/navigation";
import { RunsTable, type InitialRunsPage } from "../../../../../components/runs-table";
import {
  RUNS_PAGE_SIZE,
  parseTableParams,
  runsQuery,
  runsQueryKey,
  type RunsQuery,
} from "../../../../../lib/runs-table-state";
import { sweepsPath } from "../../../../../lib/sweep-paths";
import { readableTeams } from "../../../../../server/access";
import { teamPage } from "../../../../../server/page-context";
import { services } from "../../../../../server/services";

export const dynamic = "force-dynamic";

/** The first value of a search parameter (a repeated one counts once, as in the browser's URLSearchParams.get). */
function first(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** The first page of the table's query, or no rows and the filter's parse error. */
async function firstPage(
  query: RunsQuery,
  scope: { teamIds: string[]; teamSlug: string; projectSlug: string },
): Promise<InitialRunsPage> {
  const queryKey = runsQueryKey(query);
  let filter: FilterNode | null;
  try {
    filter = parseRunFilter(query.filter);
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    return {
      queryKey,
      rows: [],
      total: 0,
      problem: { message: error.reason, position: error.position, length: error.length },
    };
  }
  const { rows, total } = await services().runs.queryRuns({
    ...scope,
    filter,
    // runsQuery gives canonical field texts, which always parse.
    sort: query.sort.map((k) => ({ field: parseFieldRef(k.field), desc: k.desc })),
    columns: query.columns.map((c) => parseFieldRef(c)),
    limit: RUNS_PAGE_SIZE,
    offset: 0,
  });
  return { queryKey, rows, total, problem: null };
}

/**
 * A project's runs, live: its runs table, its sibling projects, and Launch for those who may. The table's state
 * lives in the URL (filter, sort, columns, group, selected); the first page of that query is fetched here, so the
 * first paint has rows.
 */
export default async function ProjectPage({
  params,
  searchParams,
}: {
  params: Promise<{ team: string; project: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { team: teamSlug, project: projectSlug } = await params;
  const search = await searchParams;
  const ctx = await teamPage(teamSlug, `/t/${teamSlug}/p/${projectSlug}`);
  if (!Slug.safeParse(projectSlug).success) notFound();
  const s = services();
  const projects = await s.projects.listProjects(ctx.team.id);
  const project = projects.find((p) => p.slug === projectSlug);
  if (!project) notFound();
  const teams = await readableTeams(s.teams, ctx.principal);
  const query = runsQuery(
    parseTableParams({
      filter: first(search.filter),
      sort: first(search.sort),
      columns: first(search.columns),
      group: first(search.group),
    }),
  );
  const initial = await firstPage(query, {
    teamIds: teams.map((t) => t.teamId),
    teamSlug: ctx.team.slug,
    projectSlug: project.slug,
  });
  const place = { team: ctx.team.slug, project: project.slug };
  const newRunHref = ctx.may.launch ? `/t/${ctx.team.slug}/p/${project.slug}/new` : null;
  return (
    <>
      <div className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
        <h1>
          {ctx.team.name} / {project.name}
        </h1>
        <div className="row" style={{ gap: 8, alignItems: "center" }}>
          <a className="button secondary" href={sweepsPath(place)} data-testid="sweeps-link">
            Sweeps
          </a>
          {newRunHref && (
            <a className="button" href={newRunHref} data-testid="launch-button">
              Launch a run
            </a>
          )}
        </div>
      </div>
      {projects.length > 1 && (
        <p className="muted">
          Projects:{" "}
          {projects.map((p, i) => (
            <span key={p.id}>
              {i > 0 && " · "}
              {p.slug === project.slug ? (
                <strong>{p.name}</strong>
              ) : (
                <a href={`/t/${ctx.team.slug}/p/${p.slug}`}>{p.name}</a>
              )}
            </span>
          ))}
        </p>
      )}
      <RunsTable team={ctx.team.slug} project={project.slug} initial={initial} newRunHref={newRunHref} />
    </>
  );
}
