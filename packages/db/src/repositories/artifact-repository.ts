import { createHash } from "node:crypto";
import type { ArtifactSummary } from "@seqlab/contracts";
import type { Db } from "./types";

/** A stored checkpoint as a resume candidate. */
export interface CheckpointCandidate {
  id: string;
  name: string;
  step: number | null;
  sha256: string;
  size: number;
}

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

  /** The run an artifact belongs to (for access checks), or null. */
  async artifactRun(id: string): Promise<string | null> {
    const row = await this.db.artifact.findUnique({ where: { id }, select: { runId: true } });
    return row?.runId ?? null;
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

  /**
   * A run's artifacts of one kind with their bytes, by step (oldest first), at most `limit`: the small JSON media
   * a run logs at each evaluation (gradient flow, predictions) and its test-set result.
   */
  async contentsOfKind(
    runId: string,
    kind: string,
    limit = 500,
  ): Promise<{ id: string; name: string; step: number | null; sha256: string; size: number; content: Uint8Array }[]> {
    return this.db.artifact.findMany({
      where: { runId, kind },
      orderBy: [{ step: "asc" }, { createdAt: "asc" }],
      select: { id: true, name: true, step: true, sha256: true, size: true, content: true },
      take: limit,
    });
  }

  /** The steps and names of a run's artifacts of one kind, by step (oldest first), without their bytes. */
  async listOfKind(runId: string, kind: string, limit = 1000): Promise<{ name: string; step: number | null }[]> {
    return this.db.artifact.findMany({
      where: { runId, kind },
      orderBy: [{ step: "asc" }, { createdAt: "asc" }],
      select: { name: true, step: true },
      take: limit,
    });
  }

  /** One artifact's bytes by run, kind and name (the key it is saved under), or null. */
  async contentOf(runId: string, kind: string, name: string): Promise<Uint8Array | null> {
    const row = await this.db.artifact.findUnique({
      where: { runId_kind_name: { runId, kind, name } },
      select: { content: true },
    });
    return row?.content ?? null;
  }

  /** A run's checkpoints, newest (highest step) first, without their bytes: the candidates to resume from. */
  async checkpointCandidates(runId: string, limit = 10): Promise<CheckpointCandidate[]> {
    return this.db.artifact.findMany({
      where: { runId, kind: "checkpoint" },
      orderBy: [{ step: "desc" }, { createdAt: "desc" }],
      select: { id: true, name: true, step: true, sha256: true, size: true },
      take: limit,
    });
  }

  /**
   * A checkpoint's bytes, checked against the sha256 recorded when it was saved. A mismatch (a torn or altered
   * write) is reported with both digests instead of being handed to a trainer.
   */
  async readCheckpoint(id: string): Promise<{ ok: true; content: Uint8Array } | { ok: false; reason: string }> {
    const row = await this.db.artifact.findUnique({ where: { id }, select: { sha256: true, content: true } });
    if (!row) return { ok: false, reason: "it no longer exists" };
    const actual = createHash("sha256").update(row.content).digest("hex");
    if (actual !== row.sha256) {
      return {
        ok: false,
        reason: `its bytes do not match their sha256 (recorded ${row.sha256.slice(0, 12)}, read ${actual.slice(0, 12)})`,
      };
    }
    return { ok: true, content: row.content };
  }
}
