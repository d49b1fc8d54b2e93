"use client";

import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import type { RunSummary } from "@seqlab/contracts";

function formatTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "-";
}

/** The runs list; re-renders from the server whenever any run changes status (pushed, not polled). */
export function RunsTable({ initialRuns, newRunHref }: { initialRuns: RunSummary[]; newRunHref: string | null }) {
  const router = useRouter();
  const [runs, setRuns] = useState(initialRuns);
  useEffect(() => setRuns(initialRuns), [initialRuns]);
  useEffect(() => {
    const source = new EventSource("/api/runs/stream");
    source.onmessage = () => router.refresh();
    return () => source.close();
  }, [router]);

  if (runs.length === 0) {
    return (
      <div className="panel">
        No runs yet.{" "}
        {newRunHref ? (
          <>
            <a href={newRunHref}>Launch the first one</a>: an LSTM on the adding problem trains in a minute on a CPU.
          </>
        ) : (
          "Members of the team launch them."
        )}
      </div>
    );
  }
  return (
    <table className="grid" data-testid="runs-table">
      <thead>
        <tr>
          <th>Run</th>
          <th>Status</th>
          <th>Model</th>
          <th>Dataset</th>
          <th className="num">Step</th>
          <th className="num">Loss (last)</th>
          <th className="num">Attempts</th>
          <th>By</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.id} data-run-id={run.id}>
            <td>
              <a href={`/t/${run.team}/p/${run.project}/runs/${run.id}`}>{run.name}</a>
            </td>
            <td>
              <span className={`badge ${run.status}`}>{run.status}</span>
            </td>
            <td>{run.modelName}</td>
            <td>{run.datasetName}</td>
            <td className="num">{run.lastStep ?? "-"}</td>
            <td className="num">{run.finalLoss === null ? "-" : run.finalLoss.toPrecision(4)}</td>
            <td className="num">{run.attempt}</td>
            <td>{run.createdBy?.name ?? "-"}</td>
            <td>{formatTime(run.startedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
