import { EntityId } from "@seqlab/contracts";
import { notFound, redirect } from "next/navigation";
import { PlaygroundView } from "../../../../../../../../components/playground-view";
import { teamPage, runPath } from "../../../../../../../../server/page-context";
import { services } from "../../../../../../../../server/services";

export const dynamic = "force-dynamic";

/**
 * A run's checkpoint in the browser: the page loads the weights once (cached by the browser under the checkpoint's
 * sha256) and runs them with TensorFlow.js. Readable by whoever may read the run, like the run page; the weights
 * come through GET /api/artifacts/:id with the same rule.
 */
export default async function PlaygroundPage({
  params,
  searchParams,
}: {
  params: Promise<{ team: string; project: string; id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { team: teamSlug, project: projectSlug, id } = await params;
  const query = await searchParams;
  const ctx = await teamPage(teamSlug, `/t/${teamSlug}/p/${projectSlug}/runs/${id}/playground`);
  if (!EntityId.safeParse(id).success) notFound();
  const s = services();
  const ownership = await s.runs.runOwnership(id);
  if (!ownership || ownership.teamId !== ctx.team.id) notFound();
  const run = await s.runService.detail(id);
  if (!run) notFound();
  if (run.project !== projectSlug) redirect(`${runPath(run)}/playground`);
  // The playground rebuilds a catalog model from its checkpoint; an external run's model is its script's own.
  if (!run.config) notFound();
  const config = run.config;
  const checkpoints = run.artifacts
    .filter((a) => a.kind === "checkpoint")
    .map((a) => ({ id: a.id, step: a.step ?? 0, sha256: a.sha256, size: a.size }))
    .sort((a, b) => b.step - a.step);
  const wanted = typeof query.checkpoint === "string" ? query.checkpoint : null;
  const selected = checkpoints.find((c) => c.id === wanted) ?? checkpoints[0] ?? null;
  return (
    <PlaygroundView
      runName={run.name}
      runHref={runPath(run)}
      task={{ dataset: config.dataset, datasetParams: config.datasetParams, seed: config.seed }}
      model={config.model}
      checkpoints={checkpoints}
      selected={selected}
    />
  );
}
