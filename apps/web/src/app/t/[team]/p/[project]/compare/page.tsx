import { EntityId, Slug, parseRunFilter } from "@seqlab/contracts";
import { notFound } from "next/navigation";
import { CompareView, type CompareRun } from "../../../../../../components/compare-view";
import { MAX_COMPARE_RUNS, COMPARE_CHART_BUCKETS } from "../../../../../../lib/compare-math";
import { runPath, teamPage } from "../../../../../../server/page-context";
import { services } from "../../../../../../server/services";

export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

/** A parameter's first value; null when absent or empty. */
function single(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text : null;
}

/** The ids in `runs=a,b,c` (or `runs=a&runs=b`), in order, without repeats. */
function requestedIds(value: string | string[] | undefined): string[] {
  const texts = Array.isArray(value) ? value : value ? [value] : [];
  const ids = texts.flatMap((t) => t.split(",")).map((id) => id.trim());
  return [...new Set(ids.filter((id) => id !== ""))];
}

/**
 * Runs side by side: `?runs=<id>,<id>,...&baseline=<id>&group=<config field>&metric=<summary field>`. At most
 * {@link MAX_COMPARE_RUNS} runs; the rest are left out with a note, and so are ids that are not runs of this
 * project (the access check: the query below only sees this team's project).
 */
export default async function ComparePage({
  params,
  searchParams,
}: {
  params: Promise<{ team: string; project: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { team: teamSlug, project: projectSlug } = await params;
  const query = await searchParams;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) search.append(key, v);
  }
  const ctx = await teamPage(teamSlug, `/t/${teamSlug}/p/${projectSlug}/compare?${search.toString()}`);
  if (!Slug.safeParse(projectSlug).success) notFound();
  const s = services();
  const project = await s.projects.findProject(ctx.team.id, projectSlug);
  if (!project) notFound();
  const projectHref = `/t/${ctx.team.slug}/p/${project.slug}`;

  const requested = requestedIds(query.runs);
  const first = requested.slice(0, MAX_COMPARE_RUNS);
  const considered = first.filter((id) => EntityId.safeParse(id).success);
  const notes: string[] = [];
  if (requested.length > MAX_COMPARE_RUNS) {
    notes.push(
      `A comparison holds at most ${MAX_COMPARE_RUNS} runs: showing the first ${MAX_COMPARE_RUNS} of the ${requested.length} asked for.`,
    );
  }

  let ids: string[] = [];
  if (considered.length > 0) {
    // Ids are [a-z0-9] (EntityId), so quoting them is all the filter text needs.
    const filter = parseRunFilter(`id IN (${considered.map((id) => `"${id}"`).join(", ")})`);
    const { rows } = await s.runs.queryRuns({
      teamIds: [ctx.team.id],
      teamSlug: ctx.team.slug,
      projectSlug: project.slug,
      filter,
      sort: [],
      columns: [],
      limit: MAX_COMPARE_RUNS,
    });
    const found = new Set(rows.map((r) => r.id));
    ids = considered.filter((id) => found.has(id));
  }
  const missing = first.length - ids.length;
  if (missing > 0) {
    notes.push(
      `${missing === 1 ? "1 run is" : `${missing} runs are`} not in this project (or do not exist) and ${missing === 1 ? "was" : "were"} left out.`,
    );
  }

  if (ids.length === 0) {
    return (
      <>
        <h1>Compare runs</h1>
        {notes.map((note) => (
          <div key={note} className="warn-box" role="status" data-testid="compare-note">
            {note}
          </div>
        ))}
        <div className="panel" data-testid="compare-empty">
          No runs to compare. Add run ids to the address, <code>?runs=&lt;id&gt;,&lt;id&gt;</code>, or go back to{" "}
          <a href={projectHref}>the project&apos;s runs</a>.
        </div>
      </>
    );
  }

  // The series come with the page (one query for every run), so the charts draw as soon as it hydrates.
  const [details, summaries, series] = await Promise.all([
    Promise.all(ids.map((id) => s.runs.getRunDetail(id))),
    s.metrics.summariesOf(ids),
    s.metrics.seriesOfRuns(ids, { buckets: COMPARE_CHART_BUCKETS }),
  ]);
  const runs: CompareRun[] = details.flatMap((run) =>
    run
      ? [
          {
            id: run.id,
            name: run.name,
            status: run.status,
            lastStep: run.lastStep,
            href: runPath(run),
            config: run.config ?? run.externalInfo?.config ?? {},
            summaries: summaries.get(run.id) ?? [],
          },
        ]
      : [],
  );
  if (runs.length === 0) notFound();

  return (
    <CompareView
      key={search.toString()}
      projectHref={projectHref}
      runs={runs}
      notes={notes}
      initialSeries={Object.fromEntries(series)}
      initial={{ baseline: single(query.baseline), group: single(query.group), metric: single(query.metric) }}
    />
  );
}
