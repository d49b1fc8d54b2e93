import { createHash } from "node:crypto";
import type { ArtifactSummary } from "@seqlab/contracts";
import type { Db } from "./types";

/** Run artifacts (checkpoints first of all), stored in the database with their size and sha256. */
export class ArtifactRepository {
  constructor(private readonly db: Db) {}

  /** Stores (or replaces, by run + kind + name) an artifact; returns its summary. */
  async saveArtifact(input: {
    runId: string;
    kind: string;
    name: string;
    content: Uint8Array;
    step?: number | null;
    attempt?: number;
  }): Promise<ArtifactSummary> {
    const sha256 = createHash("sha256").update(input.content).digest("hex");
    const content = new Uint8Array(input.content);
    const data = { size: content.byteLength, sha256, step: input.step ?? null, attempt: input.attempt ?? 0, content };
    const row = await this.db.artifact.upsert({
      where: { runId_kind_name: { runId: input.runId, kind: input.kind, name: input.name } },
      update: data,
      create: { runId: input.runId, kind: input.kind, name: input.name, ...data },
      select: { id: true, kind: true, name: true, size: true, sha256: true, step: true, createdAt: true },
    });
    return { ...row, createdAt: row.createdAt.toISOString() };
  }

  /** The artifact's bytes and metadata, or null. */
  async getArtifact(
    id: string,
  ): Promise<{ runId: string; kind: string; name: string; sha256: string; content: Uint8Array } | null> {
    return this.db.artifact.findUnique({
      where: { id },
      select: { runId: true, kind: true, name: true, sha256: true, content: true },
    });
  }

  /** The newest checkpoint of a run whose bytes still match their sha256 (a torn write is skipped). */
  async latestGoodCheckpoint(runId: string): Promise<{ id: string; step: number | null; content: Uint8Array } | null> {
    const rows = await this.db.artifact.findMany({
      where: { runId, kind: "checkpoint" },
      orderBy: [{ step: "desc" }, { createdAt: "desc" }],
      select: { id: true, step: true, sha256: true, content: true },
      take: 5,
    });
    for (const row of rows) {
      if (createHash("sha256").update(row.content).digest("hex") === row.sha256)
        return { id: row.id, step: row.step, content: row.content };
    }
    return null;
  }
}
