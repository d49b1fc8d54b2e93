import { EntityId, Slug, type SweepBase } from "@seqlab/contracts";
import { notFound } from "next/navigation";
import { SweepForm } from "../../../../../../../components/sweep-form";
import type { JsonObjectSchema } from "../../../../../../../lib/field-validation";
import { sweepableFields } from "../../../../../../../lib/sweep-fields";
import { projectPath, sweepsPath } from "../../../../../../../lib/sweep-paths";
import { runPermission } from "../../../../../../../server/access";
import { describeCatalog } from "../../../../../../../server/catalog";
import { runPath, teamPage } from "../../../../../../../server/page-context";
import { services } from "../../../../../../../server/services";

export const dynamic = "force-dynamic";

/**
 * "Sweep from this run" (`?from=<runId>`, a run the viewer may read): the sweep form, prefilled from the run's
 * config, with the fields it may vary (from the catalogs' schemas) and the metric keys the run logs.
 */
export default async function NewSweepPage({
  params,
  searchParams,
}: {
  params: Promise<{ team: string; project: string }>;
  searchParams: Promise<{ from?: string }>;
}) {
  const { team: teamSlug, project: projectSlug } = await params;
  const { from } = await searchParams;
  const here = `/t/${teamSlug}/p/${projectSlug}/sweeps/new${from ? `?from=${encodeURIComponent(from)}` : ""}`;
  const ctx = await teamPage(teamSlug, here);
  if (!Slug.safeParse(projectSlug).success) notFound();
  const s = services();
  const project = await s.projects.findProject(ctx.team.id, projectSlug);
  if (!project) notFound();
  const place = { team: ctx.team.slug, project: project.slug };
  const heading = (
    <h1>
      New sweep{" "}
      <span className="muted">
        in {ctx.team.name} / {project.name}
      </span>
    </h1>
  );
  if (!ctx.may.launch) {
    return (
      <div className="panel">
        {heading}
        <p>
          Your role in {ctx.team.name} ({ctx.role}) does not launch runs, so it starts no sweeps. Ask an admin to make
          you a member.
        </p>
      </div>
    );
  }
  const readable = from !== undefined && EntityId.safeParse(from).success;
  const run =
    readable && (await runPermission(s, ctx.principal, from, "read")).ok ? await s.runService.detail(from) : null;
  if (!run?.config) {
    return (
      <>
        {heading}
        <div className="panel" data-testid="sweep-no-run">
          {run
            ? "This run was trained by its own script (an external run): it has no catalog config for trials to start from."
            : "A sweep starts from a run: open one of "}
          {!run && (
            <>
              <a href={projectPath(place)}>this project&apos;s runs</a> and choose <strong>Sweep from this run</strong>.
            </>
          )}{" "}
          <a href={sweepsPath(place)}>Back to the sweeps</a>.
        </div>
      </>
    );
  }
  const catalog = describeCatalog();
  const fields = sweepableFields(run.config, {
    training: catalog.training.params as JsonObjectSchema,
    model: (catalog.models.find((m) => m.name === run.config?.model)?.params ?? null) as JsonObjectSchema | null,
    dataset: (catalog.datasets.find((d) => d.name === run.config?.dataset)?.params ?? null) as JsonObjectSchema | null,
  });
  const summaries = await s.metrics.summariesOf([run.id]);
  const metricKeys = (summaries.get(run.id) ?? []).map((m) => m.key);
  const { model, modelHyperparameters, dataset, datasetParams, training, seed } = run.config;
  const base: SweepBase = {
    model,
    modelHyperparameters,
    dataset,
    datasetParams,
    training,
    seed,
    queue: run.queueName,
    // The sweep's own priority orders its trials; the run's priority was for the run alone.
    priority: 0,
  };
  return (
    <>
      <h1>
        Sweep from <a href={runPath(run)}>{run.name}</a>{" "}
        <span className="muted">
          in {ctx.team.name} / {project.name}
        </span>
      </h1>
      <SweepForm
        team={place.team}
        project={place.project}
        sourceRun={{ id: run.id, name: run.name, training: { steps: training.steps, evalEvery: training.evalEvery } }}
        fields={fields}
        base={base}
        metricKeys={metricKeys}
      />
    </>
  );
}
