import { EntityId } from "@seqlab/contracts";
import { describeCatalog } from "../../../server/catalog";
import { services } from "../../../server/services";
import { LaunchForm, type LaunchFormInitial } from "../../../components/launch-form";

export const dynamic = "force-dynamic";

/** Launch form, generated from the catalogs' zod schemas; `?from=<runId>` clones a run's config. */
export default async function NewRunPage({ searchParams }: { searchParams: Promise<{ from?: string }> }) {
  const { from } = await searchParams;
  const catalog = describeCatalog();
  let initial: LaunchFormInitial | null = null;
  if (from && EntityId.safeParse(from).success) {
    const run = await services().runs.getRunDetail(from);
    if (run) {
      initial = { name: `${run.name}-clone`, ...run.config, priority: run.priority, queue: run.queueName };
    }
  }
  return (
    <>
      <h1>{initial ? `Clone run ${from}` : "Launch a run"}</h1>
      <LaunchForm catalog={catalog} initial={initial} />
    </>
  );
}
