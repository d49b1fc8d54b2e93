import { notFound } from "next/navigation";
import { services } from "../../../server/services";
import { RunView } from "../../../components/run-view";

export const dynamic = "force-dynamic";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const run = await services().runService.detail(id);
  if (!run) notFound();
  return <RunView initialRun={run} />;
}
