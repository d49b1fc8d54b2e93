/*
 * The dashboard's addresses around sweeps. Client components build them too (a trial's run link, Compare top k),
 * and they cannot import server/page-context (it reads request headers), so the shapes live here once.
 */

/** A sweep's team and project, by slug: where all its pages live. */
export interface SweepPlace {
  team: string;
  project: string;
}

/** The project's page, whose runs table lists the trials among its runs. */
export function projectPath({ team, project }: SweepPlace): string {
  return `/t/${team}/p/${project}`;
}

/** The project's sweeps list. */
export function sweepsPath(place: SweepPlace): string {
  return `${projectPath(place)}/sweeps`;
}

/** One sweep's page. */
export function sweepPath(place: SweepPlace, sweepId: string): string {
  return `${sweepsPath(place)}/${sweepId}`;
}

/** The sweep form; with `fromRunId`, prefilled from that run ("Sweep from this run"). */
export function newSweepPath(place: SweepPlace, fromRunId?: string): string {
  const base = `${sweepsPath(place)}/new`;
  return fromRunId === undefined ? base : `${base}?from=${encodeURIComponent(fromRunId)}`;
}

/** A trial's run page: the shape of server/page-context's `runPath`, for client components. */
export function trialRunPath(place: SweepPlace, runId: string): string {
  return `${projectPath(place)}/runs/${runId}`;
}

/** The comparison page over `runIds`, in order (the page reads `?runs=<id>,<id>,...`; ids are [a-z0-9]). */
export function compareRunsPath(place: SweepPlace, runIds: readonly string[]): string {
  return `${projectPath(place)}/compare?runs=${runIds.join(",")}`;
}
