import { services } from "../../server/services";

export const dynamic = "force-dynamic";

export default async function WorkersPage() {
  const workers = await services().workers.listWorkers();
  return (
    <>
      <h1>Workers</h1>
      {workers.length === 0 ? (
        <p className="muted">
          No worker has registered yet. Start one with <code>npm start -w @seqlab/worker</code>.
        </p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>Worker</th>
              <th>State</th>
              <th>Backend</th>
              <th>Device</th>
              <th>Queues</th>
              <th>Current run</th>
              <th>Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((w) => (
              <tr key={w.id}>
                <td>{w.id}</td>
                <td>{w.state}</td>
                <td>{w.backend}</td>
                <td className="wrap">{w.device}</td>
                <td>{w.queues.join(", ")}</td>
                <td>{w.currentRunId ? <a href={`/runs/${w.currentRunId}`}>{w.currentRunId}</a> : "-"}</td>
                <td>{new Date(w.lastHeartbeat).toLocaleTimeString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
