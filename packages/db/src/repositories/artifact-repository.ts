import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  type ArtifactStore,
  CorruptObjectError,
  ObjectMissingError,
  type StoredObject,
  VerifyingStream,
} from "@seqlab/artifact-store";
import type { ArtifactSummary } from "@seqlab/contracts";
import type { Db } from "./types";

/** An upload with no bytes, refused before any row is written. */
export class EmptyArtifactError extends Error {
  constructor() {
    super("the artifact is empty");
    this.name = "EmptyArtifactError";
  }
}

/** A stored checkpoint as a resume candidate. */
export interface CheckpointCandidate {
  id: string;
  name: string;
  step: number | null;
  sha256: string;
  size: number;
}

/** What identifies an artifact of a run: saving again under the same run, kind and name replaces it. */
export interface ArtifactTarget {
  runId: string;
  kind: string;
  name: string;
  step?: number | null;
}

/** Bytes to save: small ones in memory (media JSON), large ones as a stream (checkpoints, uploads). */
export type ArtifactSource = { content: Uint8Array } | { source: Readable | AsyncIterable<Uint8Array> };

/** An artifact opened for download: its metadata, and its bytes as a stream checked against its sha256. */
export interface OpenedArtifact {
  runId: string;
  kind: string;
  name: string;
  sha256: string;
  size: number;
  /** The bytes; the stream errors at its end (CorruptObjectError) if they do not match the recorded sha256. */
  stream(): Promise<Readable>;
}

const SUMMARY = { id: true, kind: true, name: true, size: true, sha256: true, step: true, createdAt: true } as const;
const LOCATION = { storage: true, storeKey: true, content: true, sha256: true, size: true } as const;

interface Location {
  storage: string;
  storeKey: string | null;
  content: Uint8Array | null;
  sha256: string;
  size: number;
}

/**
 * Run artifacts (checkpoints, media, uploads): metadata here in PostgreSQL, bytes in the artifact store. Objects
 * are written first and the row second, so a row always names a complete object; an object whose row never came
 * (a crash in between, a fenced attempt, a replaced artifact) is an orphan that {@link collectGarbage} removes.
 */
export class ArtifactRepository {
  constructor(
    private readonly db: Db,
    private readonly store: ArtifactStore,
  ) {}

  /** Stores (or replaces, by run + kind + name) an artifact; returns its summary. */
  async saveArtifact(
    input: ArtifactTarget &
      ArtifactSource & {
        attempt?: number;
        /** Refuse with ObjectTooLargeError once more bytes than this arrive (uploads from clients). */
        maxBytes?: number;
        /** Refuse an empty source with EmptyArtifactError (uploads: an empty body is a client's mistake). */
        refuseEmpty?: boolean;
      },
  ): Promise<ArtifactSummary> {
    const object = await this.putObject(input, input.maxBytes);
    // The empty object is shared by every empty artifact (content-addressed), so it is left to garbage collection.
    if (input.refuseEmpty && object.size === 0) throw new EmptyArtifactError();
    return this.upsertRow(this.db, input, input.attempt ?? 0, object);
  }

  /**
   * {@link saveArtifact} for a worker's attempt: the row is written only while `attempt` is still the run's current
   * attempt, checked under a share lock on the run's row in the same transaction, so a new attempt cannot begin in
   * between. A stale attempt (its host was cut off and the run resumed elsewhere) gets `fenced` and leaves nothing a
   * resume could pick up; its object becomes an orphan for garbage collection.
   */
  async saveAttemptArtifact(
    input: ArtifactTarget & ArtifactSource & { attempt: number },
  ): Promise<{ fenced: false; artifact: ArtifactSummary } | { fenced: true }> {
    const object = await this.putObject(input);
    return this.db.$transaction(async (tx) => {
      const owner = await tx.$queryRaw<{ attempt: number }[]>`
        SELECT attempt FROM "Run" WHERE id = ${input.runId} FOR SHARE`;
      if (owner[0]?.attempt !== input.attempt) return { fenced: true as const };
      return { fenced: false as const, artifact: await this.upsertRow(tx, input, input.attempt, object) };
    });
  }

  /** The run an artifact belongs to (for access checks), or null. */
  async artifactRun(id: string): Promise<string | null> {
    const row = await this.db.artifact.findUnique({ where: { id }, select: { runId: true } });
    return row?.runId ?? null;
  }

  /** An artifact's metadata and a verified stream of its bytes, or null when there is no such artifact. */
  async openArtifact(id: string): Promise<OpenedArtifact | null> {
    const row = await this.db.artifact.findUnique({
      where: { id },
      select: { runId: true, kind: true, name: true, ...LOCATION },
    });
    if (!row) return null;
    return {
      runId: row.runId,
      kind: row.kind,
      name: row.name,
      sha256: row.sha256,
      size: row.size,
      stream: () => this.verifiedStream(row, `artifact ${id}`),
    };
  }

  /**
   * A run's artifacts of one kind with their bytes, by step (oldest first), at most `limit`: the small JSON media
   * a run logs at each evaluation (gradient flow, predictions) and its test-set result. One whose object is
   * missing or corrupt is left out (and reported through `onUnreadable`) rather than failing the whole page.
   */
  async contentsOfKind(
    runId: string,
    kind: string,
    limit = 500,
    onUnreadable: (name: string, reason: string) => void = () => undefined,
  ): Promise<{ id: string; name: string; step: number | null; sha256: string; size: number; content: Uint8Array }[]> {
    const rows = await this.db.artifact.findMany({
      where: { runId, kind },
      orderBy: [{ step: "asc" }, { createdAt: "asc" }],
      select: { id: true, name: true, step: true, ...LOCATION },
      take: limit,
    });
    const out = [];
    for (const row of rows) {
      const read = await this.readVerified(row, `${kind} ${row.name}`);
      if (!read.ok) {
        onUnreadable(row.name, read.reason);
        continue;
      }
      out.push({
        id: row.id,
        name: row.name,
        step: row.step,
        sha256: row.sha256,
        size: row.size,
        content: read.content,
      });
    }
    return out;
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

  /** One small artifact's bytes by run, kind and name (the key it is saved under); null if absent or unreadable. */
  async contentOf(runId: string, kind: string, name: string): Promise<Uint8Array | null> {
    const row = await this.db.artifact.findUnique({
      where: { runId_kind_name: { runId, kind, name } },
      select: LOCATION,
    });
    if (!row) return null;
    const read = await this.readVerified(row, `${kind} ${name}`);
    return read.ok ? read.content : null;
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
   * write) or a missing object is reported with its reason instead of being handed to a trainer.
   */
  async readCheckpoint(id: string): Promise<{ ok: true; content: Uint8Array } | { ok: false; reason: string }> {
    const row = await this.db.artifact.findUnique({ where: { id }, select: LOCATION });
    if (!row) return { ok: false, reason: "it no longer exists" };
    return this.readVerified(row, `checkpoint ${id}`);
  }

  /**
   * Streams a checkpoint into `file` (a worker's spool), verifying its sha256 on the way, so a worker never holds
   * a checkpoint in memory: its training process reads the file. A bad or missing object leaves no file behind.
   */
  async checkpointToFile(id: string, file: string): Promise<{ ok: true } | { ok: false; reason: string }> {
    const row = await this.db.artifact.findUnique({ where: { id }, select: LOCATION });
    if (!row) return { ok: false, reason: "it no longer exists" };
    try {
      await pipeline(await this.verifiedStream(row, `checkpoint ${id}`), createWriteStream(file));
      return { ok: true };
    } catch (error) {
      await rm(file, { force: true });
      const reason = unreadable(error);
      if (reason) return { ok: false, reason };
      throw error;
    }
  }

  /**
   * Moves up to `batch` artifacts written before the store existed (bytes in the `content` column) into the
   * store, one row at a time; returns how many it moved. Safe to run on several processes at once: each row is
   * switched only if it still says "db", and a duplicate upload is an orphan for garbage collection.
   */
  async migrateLegacyContent(batch = 100): Promise<number> {
    const rows = await this.db.artifact.findMany({
      where: { storage: "db" },
      select: { id: true, sha256: true },
      take: batch,
    });
    let moved = 0;
    for (const { id, sha256 } of rows) {
      const row = await this.db.artifact.findUnique({ where: { id }, select: { storage: true, content: true } });
      if (!row || row.storage !== "db" || !row.content) continue;
      const object = await this.store.put(Readable.from([row.content]));
      if (object.sha256 !== sha256) {
        // Already corrupt in the database: keep its recorded digest, so reading it still reports the damage.
        await this.store.delete(object.key).catch(() => undefined);
      }
      const switched = await this.db.artifact.updateMany({
        where: { id, storage: "db" },
        data: { storage: this.store.backend, storeKey: object.key, content: null, size: object.size },
      });
      moved += switched.count;
    }
    return moved;
  }

  /**
   * Deletes store objects no artifact row names any more (replaced artifacts, deleted runs, fenced attempts,
   * crashes between upload and row), once they are older than `graceMs`: an upload in progress has no row yet.
   * Unfinished uploads begun before then (a process killed mid-upload) go too. Returns the number removed.
   */
  async collectGarbage(graceMs = 60 * 60_000): Promise<number> {
    const cutoff = Date.now() - graceMs;
    let deleted = 0;
    let page: string[] = [];
    const flush = async () => {
      if (page.length === 0) return;
      const referenced = await this.db.artifact.findMany({
        where: { storage: this.store.backend, storeKey: { in: page } },
        select: { storeKey: true },
      });
      const keep = new Set(referenced.map((r) => r.storeKey));
      for (const key of page) {
        if (keep.has(key)) continue;
        await this.store.delete(key, { unmodifiedSince: new Date(cutoff) });
        deleted++;
      }
      page = [];
    };
    for await (const object of this.store.list()) {
      if (object.modifiedAt.getTime() > cutoff) continue;
      page.push(object.key);
      if (page.length >= 500) await flush();
    }
    await flush();
    // Uploads a crash cut short never got a name or a row: past the grace period nobody will finish them.
    return deleted + (await this.store.abandonIncomplete(new Date(cutoff)));
  }

  private async putObject(input: ArtifactSource, maxBytes?: number): Promise<StoredObject> {
    const source = "content" in input ? Readable.from([Buffer.from(input.content)]) : input.source;
    return this.store.put(source, maxBytes === undefined ? {} : { maxBytes });
  }

  private async upsertRow(
    db: Pick<Db, "artifact">,
    target: ArtifactTarget,
    attempt: number,
    object: StoredObject,
  ): Promise<ArtifactSummary> {
    const data = {
      size: object.size,
      sha256: object.sha256,
      step: target.step ?? null,
      attempt,
      storage: this.store.backend,
      storeKey: object.key,
      content: null,
    };
    const row = await db.artifact.upsert({
      where: { runId_kind_name: { runId: target.runId, kind: target.kind, name: target.name } },
      update: data,
      create: { runId: target.runId, kind: target.kind, name: target.name, ...data },
      select: SUMMARY,
    });
    return { ...row, createdAt: row.createdAt.toISOString() };
  }

  /** The bytes of a row as a stream that fails at its end unless they match the recorded sha256 and size. */
  private async verifiedStream(row: Location, label: string): Promise<Readable> {
    const raw = await this.rawStream(row);
    const verify = new VerifyingStream({ sha256: row.sha256, size: row.size }, label);
    raw.on("error", (error) => verify.destroy(error));
    return raw.pipe(verify);
  }

  private async rawStream(row: Location): Promise<Readable> {
    if (row.storage === "db") return Readable.from([Buffer.from(row.content ?? new Uint8Array())]);
    if (row.storage !== this.store.backend || !row.storeKey) {
      throw new ObjectMissingError(
        `${row.storage}:${row.storeKey ?? "?"} (this process uses the ${this.store.backend} store)`,
      );
    }
    return this.store.get(row.storeKey);
  }

  /** A small object's bytes, read whole and verified; missing or corrupt objects become a reason. */
  private async readVerified(
    row: Location,
    label: string,
  ): Promise<{ ok: true; content: Uint8Array } | { ok: false; reason: string }> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.verifiedStream(row, label)) chunks.push(chunk as Buffer);
      return { ok: true, content: new Uint8Array(Buffer.concat(chunks)) };
    } catch (error) {
      const reason = unreadable(error);
      if (reason) return { ok: false, reason };
      throw error;
    }
  }

  /** Bytes of every stored checkpoint, of all runs, wherever they are stored: the operations metrics report it. */
  async checkpointBytes(): Promise<number> {
    const total = await this.db.artifact.aggregate({ where: { kind: "checkpoint" }, _sum: { size: true } });
    return total._sum.size ?? 0;
  }
}

/** Why an object cannot be used (corrupt, missing), or null for other errors (a store outage: retry those). */
function unreadable(error: unknown): string | null {
  if (error instanceof CorruptObjectError) return error.message.replace(`${error.label}: `, "");
  if (error instanceof ObjectMissingError) return `its object is missing from the artifact store (${error.key})`;
  return null;
}
