import { requireSignedIn } from "../../server/page-context";
import { services } from "../../server/services";

export const dynamic = "force-dynamic";

/**
 * Every registered worker. Workers are trusted infrastructure: the instance's operators see hosts, pids and current
 * runs; everyone else sees what kind of hardware serves which queue, and whether it is busy.
 */
export default async function WorkersPage() {
  const principal = await requireSignedIn("/workers");
  const workers = await services().workers.listWorkers();
  const full = principal.isInstanceAdmin;
  return (
    <>
      <h1>Workers</h1>
      {workers.length === 0 ? (
        <p className="muted">
          No worker has registered yet. Start one with <code>npm start -w @seqlab/worker</code>.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="grid" data-testid="workers">
            <thead>
              <tr>
                <th>Worker</th>
                <th>State</th>
                <th>Backend</th>
                <th>Device</th>
                <th>Queues</th>
                {full && <th>Current run</th>}
                <th>Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w, i) => (
                <tr key={w.id}>
                  <td>{full ? w.id : `worker ${workers.length - i}`}</td>
                  <td>{w.state}</td>
                  <td>{w.backend}</td>
                  <td className="wrap">{w.device}</td>
                  <td>{w.queues.join(", ")}</td>
                  {full && <td>{w.currentRunId ? <a href={`/runs/${w.currentRunId}`}>{w.currentRunId}</a> : "-"}</td>}
                  <td>{new Date(w.lastHeartbeat).toLocaleTimeString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
