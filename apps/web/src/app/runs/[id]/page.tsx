import { notFound } from "next/navigation";
import { EntityId } from "@seqlab/contracts";
import { services } from "../../../server/services";
import { RunView } from "../../../components/run-view";

export const dynamic = "force-dynamic";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!EntityId.safeParse(id).success) notFound();
  const run = await services().runService.detail(id);
  if (!run) notFound();
  return <RunView initialRun={run} />;
}
