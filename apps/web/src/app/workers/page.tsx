import { WorkersTable, type WorkerRow } from "../../components/workers-table";
import { requireSignedIn } from "../../server/page-context";
import { services } from "../../server/services";

export const dynamic = "force-dynamic";

/**
 * Every registered worker, live. Workers are trusted infrastructure: the instance's operators see ids and current
 * runs; everyone else sees what kind of hardware serves which queue, and whether it is busy.
 */
export default async function WorkersPage() {
  const principal = await requireSignedIn("/workers");
  const workers = await services().workers.listWorkers();
  const full = principal.isInstanceAdmin;
  const rows: WorkerRow[] = workers.map((w, i) => ({
    key: full ? w.id : `worker ${workers.length - i}`,
    label: full ? w.id : `worker ${workers.length - i}`,
    state: w.state,
    backend: w.backend,
    device: w.device,
    queues: w.queues,
    currentRunId: full ? (w.currentRunId ?? null) : null,
    lastHeartbeat: new Date(w.lastHeartbeat).toISOString(),
  }));
  return (
    <>
      <h1>Workers</h1>
      <WorkersTable initial={rows} full={full} />
    </>
  );
}
