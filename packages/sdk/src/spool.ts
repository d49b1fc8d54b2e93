import { randomUUID } from "node:crypto";
import { appendFile, mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { TransportError, type PointBatch } from "./transport";
import { messageOf } from "./message-of";

/** Batches and the points in them. */
export interface BatchCount {
  batches: number;
  points: number;
}

/** What a {@link Spool.drain} did. */
export interface DrainReport {
  /** Sent and acknowledged: removed from the spool. */
  sent: BatchCount;
  /** Still on disk for the next drain (the server away, the key refused, the run unknown to this server). */
  left: BatchCount;
  /** Refused by the server as invalid (400, 413, 422): removed, since sending them again cannot help. */
  refused: BatchCount;
  /** Why something was left or refused (the last such reason), or null when everything went. */
  problem: string | null;
  /** Batches the drain took up (sent + left + refused). */
  total: number;
}

/** A spooled file taken up by one drain: `<run>.jsonl` renamed to `<run>.jsonl.<pid>.<random>.draining`. */
const CLAIMED = /^(.+\.jsonl)\.(\d+)\.[0-9a-f]+\.draining$/;

/** Whether process `pid` still runs (a claim of a dead process is taken over; EPERM: alive, another user's). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What to do with the rest after a send failed: drop the batch, skip this run's file, or stop the whole drain. */
function onFailure(error: unknown): "drop" | "skip-run" | "stop" {
  if (!(error instanceof TransportError) || error.retryable) return "stop";
  // A bad key refuses every run alike: keep everything for a drain with a good one.
  if (error.status === 401 || error.status === 403) return "stop";
  if (error.status === 400 || error.status === 413 || error.status === 422) return "drop";
  // 404 (a run this server or key does not know: the spool may hold another server's runs), 409: keep for later.
  return "skip-run";
}

const count = (batches: readonly PointBatch[]): BatchCount => ({
  batches: batches.length,
  points: batches.reduce((n, b) => n + b.points.length, 0),
});

/**
 * Batches that could not be sent, kept on disk (one JSON line per batch, a file per run) until the server is back:
 * `drain` sends them (the next `init` or `seqlab sync`). A batch keeps its id, so one sent twice, once before a
 * crash and once from here, is stored once by the server.
 */
export class Spool {
  constructor(readonly directory: string) {}

  private fileOf(runId: string): string {
    return path.join(this.directory, `${runId.replace(/[^A-Za-z0-9_-]/g, "_")}.jsonl`);
  }

  /** Appends a batch to its run's file (created 0600 in a 0700 directory: metrics are the user's business). */
  async add(batch: PointBatch): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await appendFile(this.fileOf(batch.runId), `${JSON.stringify(batch)}\n`, { mode: 0o600 });
  }

  /** Every spooled batch, oldest first; a torn last line (a crash mid-write) is skipped. */
  async list(): Promise<PointBatch[]> {
    const batches: PointBatch[] = [];
    for (const file of await this.files()) {
      if (file.endsWith(".jsonl")) batches.push(...(await readBatches(path.join(this.directory, file))));
    }
    return batches;
  }

  private async files(): Promise<string[]> {
    try {
      return (await readdir(this.directory)).sort();
    } catch {
      return [];
    }
  }

  /**
   * Takes up every run's file by renaming it, so batches spooled meanwhile (a run still training) go to a new file
   * that this drain never rewrites, and two drains at once (an `init` and a `seqlab sync`) never take the same
   * file. Files taken up by a process that has since died are taken over.
   */
  private async claim(): Promise<{ claimed: string; original: string }[]> {
    const claims: { claimed: string; original: string }[] = [];
    for (const file of await this.files()) {
      const orphan = CLAIMED.exec(file);
      if (!file.endsWith(".jsonl") && !(orphan && !isAlive(Number(orphan[2])))) continue;
      const original = path.join(this.directory, orphan ? orphan[1]! : file);
      const claimed = `${original}.${process.pid}.${randomUUID().replace(/-/g, "").slice(0, 12)}.draining`;
      try {
        await rename(path.join(this.directory, file), claimed);
        claims.push({ claimed, original });
      } catch {
        // Another drain took it first.
      }
    }
    return claims;
  }

  /**
   * Sends every spooled batch with `send`, in order, run by run. A batch the server refuses as invalid is dropped;
   * after a failure that concerns the whole server (unreachable, 5xx, a refused key) the drain stops; after one
   * that concerns a run (404, 409) it goes on with the next run. What was not sent goes back to its run's file for
   * the next drain. `onProgress` is told after each batch. Never rejects on a failed send.
   */
  async drain(
    send: (batch: PointBatch) => Promise<void>,
    onProgress?: (report: DrainReport) => void,
  ): Promise<DrainReport> {
    const claims = await this.claim();
    const runs: { claimed: string; original: string; batches: PointBatch[] }[] = [];
    for (const claim of claims) runs.push({ ...claim, batches: await readBatches(claim.claimed) });
    const report: DrainReport = {
      sent: { batches: 0, points: 0 },
      left: { batches: 0, points: 0 },
      refused: { batches: 0, points: 0 },
      problem: null,
      total: runs.reduce((n, r) => n + r.batches.length, 0),
    };
    const add = (into: BatchCount, batch: PointBatch) => {
      into.batches += 1;
      into.points += batch.points.length;
    };
    let stopped = false;
    for (const run of runs) {
      const keep: PointBatch[] = [];
      for (let i = 0; i < run.batches.length; i++) {
        const batch = run.batches[i]!;
        if (stopped) {
          keep.push(...run.batches.slice(i));
          break;
        }
        try {
          await send(batch);
          add(report.sent, batch);
        } catch (error) {
          report.problem = messageOf(error);
          const next = onFailure(error);
          if (next === "drop") {
            add(report.refused, batch);
          } else {
            keep.push(...run.batches.slice(i));
            stopped = next === "stop";
            break;
          }
        }
        onProgress?.({
          ...report,
          sent: { ...report.sent },
          left: { ...report.left },
          refused: { ...report.refused },
        });
      }
      const kept = count(keep);
      report.left.batches += kept.batches;
      report.left.points += kept.points;
      try {
        if (keep.length > 0) {
          await appendFile(run.original, keep.map((b) => `${JSON.stringify(b)}\n`).join(""), { mode: 0o600 });
        }
        await rm(run.claimed, { force: true });
      } catch (error) {
        // The claimed file stays, whole: once this process is gone the next drain takes it over (and the server
        // stores the batches sent from it again once each, by batch id).
        report.problem = `seqlab could not rewrite its spool: ${String(error)}`;
      }
    }
    return report;
  }
}

/** The batches in one spool file; lines that do not parse (cut by a crash) are skipped. */
async function readBatches(file: string): Promise<PointBatch[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return [];
  }
  const batches: PointBatch[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const batch = JSON.parse(line) as PointBatch;
      if (typeof batch.batchId === "string" && typeof batch.runId === "string" && Array.isArray(batch.points)) {
        batches.push(batch);
      }
    } catch {
      // A line cut by a crash: its points were never acknowledged, and a later batch may hold them again.
    }
  }
  return batches;
}
