import { Slug } from "@seqlab/contracts";
import { notFound } from "next/navigation";
import { formatNumber } from "../../../../../../lib/compare-math";
import { formatRelativeTime } from "../../../../../../lib/runs-table-state";
import { projectPath, sweepPath, trialRunPath } from "../../../../../../lib/sweep-paths";
import { formatSteps, methodName, schedulerName } from "../../../../../../lib/sweep-text";
import { teamPage } from "../../../../../../server/page-context";
import { services } from "../../../../../../server/services";
import { listSweeps } from "../../../../../../server/sweeps/sweep-views";

export const dynamic = "force-dynamic";

/**
 * A project's sweeps, newest first as the server lists them: each with its status, search and scheduler, metric,
 * progress, best result and steps spent. A sweep is started from a run's page ("Sweep from this run").
 */
export default async function SweepsPage({ params }: { params: Promise<{ team: string; project: string }> }) {
  const { team: teamSlug, project: projectSlug } = await params;
  const ctx = await teamPage(teamSlug, `/t/${teamSlug}/p/${projectSlug}/sweeps`);
  if (!Slug.safeParse(projectSlug).success) notFound();
  const s = services();
  const project = await s.projects.findProject(ctx.team.id, projectSlug);
  if (!project) notFound();
  const place = { team: ctx.team.slug, project: project.slug };
  const sweeps = await listSweeps(s, project.id);
  // Rendered on the server: "3h ago" is as of this request.
  const now = Date.now();
  return (
    <>
      <p className="muted">
        <a href={projectPath(place)}>
          {ctx.team.name} / {project.name}
        </a>
      </p>
      <h1>Sweeps</h1>
      {sweeps.length === 0 ? (
        <div className="panel" data-testid="sweeps-empty">
          No sweeps in this project yet. Open a run of it and choose <strong>Sweep from this run</strong>: the sweep
          varies the settings you pick around that run&apos;s config.
        </div>
      ) : (
        <div className="table-scroll">
          <table className="grid" data-testid="sweeps-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Search</th>
                <th>Metric</th>
                <th className="num">Trials</th>
                <th className="num">Best</th>
                <th className="num">Steps spent</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {sweeps.map((sweep) => (
                <tr key={sweep.id} data-testid="sweep-row" data-status={sweep.status}>
                  <td>
                    <a href={sweepPath(place, sweep.id)}>{sweep.name}</a>
                  </td>
                  <td>
                    <span className={`badge ${sweep.status}`}>{sweep.status}</span>
                  </td>
                  <td>
                    {methodName(sweep.method)}, {schedulerName(sweep.scheduler)}
                  </td>
                  <td>
                    {sweep.metric.name} <span className="muted">({sweep.metric.goal})</span>
                  </td>
                  <td className="num">
                    {sweep.trialsCreated} / {sweep.trialCount}
                  </td>
                  <td className="num">
                    {sweep.best ? (
                      <a href={trialRunPath(place, sweep.best.runId)} title={`Trial #${sweep.best.trialNumber}`}>
                        {formatNumber(sweep.best.value)}
                      </a>
                    ) : (
                      "–"
                    )}
                  </td>
                  <td className="num">{formatSteps(sweep.stepsSpent)}</td>
                  <td title={sweep.createdAt}>{formatRelativeTime(sweep.createdAt, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
