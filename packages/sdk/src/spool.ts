import { appendFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PointBatch } from "./transport";

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

  async add(batch: PointBatch): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await appendFile(this.fileOf(batch.runId), `${JSON.stringify(batch)}\n`, { mode: 0o600 });
  }

  /** Every spooled batch, oldest first; a torn last line (a crash mid-write) is skipped. */
  async list(): Promise<PointBatch[]> {
    let files: string[];
    try {
      files = (await readdir(this.directory)).filter((f) => f.endsWith(".jsonl")).sort();
    } catch {
      return [];
    }
    const batches: PointBatch[] = [];
    for (const file of files) {
      for (const line of (await readFile(path.join(this.directory, file), "utf8")).split("\n")) {
        if (line.trim() === "") continue;
        try {
          batches.push(JSON.parse(line) as PointBatch);
        } catch {
          // A line cut by a crash: its points were never acknowledged, and a later batch may hold them again.
        }
      }
    }
    return batches;
  }

  /**
   * Sends every spooled batch with `send`, in order, run by run; a run's file is removed once all its batches are
   * sent, and rewritten with the rest when one fails (the rest wait for the next drain). Returns what was sent.
   */
  async drain(send: (batch: PointBatch) => Promise<void>): Promise<{ sent: number; left: number }> {
    const byRun = new Map<string, PointBatch[]>();
    for (const batch of await this.list()) byRun.set(batch.runId, [...(byRun.get(batch.runId) ?? []), batch]);
    let sent = 0;
    let left = 0;
    for (const [runId, batches] of byRun) {
      let i = 0;
      try {
        for (; i < batches.length; i++) {
          await send(batches[i]!);
          sent += 1;
        }
      } catch {
        // The server is still away: keep what is left.
      }
      const rest = batches.slice(i);
      left += rest.length;
      if (rest.length === 0) await rm(this.fileOf(runId), { force: true });
      else await writeFile(this.fileOf(runId), rest.map((b) => `${JSON.stringify(b)}\n`).join(""), { mode: 0o600 });
    }
    return { sent, left };
  }
}
