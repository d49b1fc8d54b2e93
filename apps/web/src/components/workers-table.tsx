"use client";

import { useEffect, useState } from "react";

/** One worker as the page shows it; `id` and `currentRunId` only for the instance's operators. */
export interface WorkerRow {
  key: string;
  label: string;
  state: string;
  backend: string;
  device: string;
  queues: string[];
  currentRunId: string | null;
  lastHeartbeat: string;
}

/** Workers heartbeat every few seconds: the table re-reads GET /api/workers this often while the page is open. */
const REFRESH_MS = 3000;

interface WorkersAnswer {
  workers: {
    id?: string;
    name?: string;
    state: string;
    backend: string;
    device: string;
    queues: string[];
    currentRunId?: string | null;
    lastHeartbeat: string;
  }[];
}

function toRows(answer: WorkersAnswer): WorkerRow[] {
  return answer.workers.map((w, i) => ({
    key: w.id ?? w.name ?? String(i),
    label: w.id ?? w.name ?? `worker ${i + 1}`,
    state: w.state,
    backend: w.backend,
    device: w.device,
    queues: w.queues,
    currentRunId: w.currentRunId ?? null,
    lastHeartbeat: w.lastHeartbeat,
  }));
}

/** The workers table, live: state, current run and heartbeat follow the workers without a reload. */
export function WorkersTable({ initial, full }: { initial: WorkerRow[]; full: boolean }) {
  const [rows, setRows] = useState(initial);
  const [stale, setStale] = useState(false);
  useEffect(() => {
    let cancelled = false;
    const refresh = () =>
      fetch("/api/workers")
        .then(async (r) => {
          if (!r.ok) throw new Error(String(r.status));
          const answer = (await r.json()) as WorkersAnswer;
          if (!cancelled) {
            setRows(toRows(answer));
            setStale(false);
          }
        })
        .catch(() => !cancelled && setStale(true));
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, []);
  if (rows.length === 0) {
    return (
      <p className="muted" data-testid="no-workers">
        No worker has registered yet. Start one with <code>npm start -w @seqlab/worker</code>.
      </p>
    );
  }
  return (
    <>
      {stale && <p className="muted">Could not refresh: showing the last answer.</p>}
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
            {rows.map((w) => (
              <tr key={w.key} data-testid="worker-row">
                <td>{w.label}</td>
                <td data-testid="worker-state">{w.state}</td>
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
    </>
  );
}
