import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { ObjectTooLargeError } from "./artifact-store";

/**
 * A pass-through that hashes and counts what flows through it, and fails the pipeline once more than `maxBytes`
 * have passed, so an oversized upload stops at the limit instead of filling the disk or the bucket first.
 */
export class HashingStream extends Transform {
  private readonly hash = createHash("sha256");
  private bytes = 0;
  private digest: string | null = null;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.maxBytes) {
      done(new ObjectTooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  /** Bytes seen so far. (Not `size`: lib-storage reads a Body's `size` as its total length.) */
  get byteCount(): number {
    return this.bytes;
  }

  /** The sha256 (hex) of everything that passed; call once the stream has ended. */
  sha256(): string {
    this.digest ??= this.hash.digest("hex");
    return this.digest;
  }
}

/** A stream of an object checked on the way out: it errors at its end when the bytes do not match `expected`. */
export class VerifyingStream extends Transform {
  private readonly hash = createHash("sha256");
  private bytes = 0;

  constructor(
    private readonly expected: { sha256: string; size?: number },
    private readonly label: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.byteLength;
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const actual = this.hash.digest("hex");
    if (actual !== this.expected.sha256 || (this.expected.size !== undefined && this.bytes !== this.expected.size)) {
      done(new CorruptObjectError(this.label, this.expected.sha256, actual, this.bytes));
      return;
    }
    done();
  }
}

/** An object whose bytes no longer match the sha256 recorded when it was stored (a torn write or bit rot). */
export class CorruptObjectError extends Error {
  constructor(
    readonly label: string,
    readonly expected: string,
    readonly actual: string,
    readonly bytes: number,
  ) {
    super(
      `${label}: its bytes do not match their sha256 (recorded ${expected.slice(0, 12)}, read ${actual.slice(0, 12)}, ${bytes} bytes)`,
    );
    this.name = "CorruptObjectError";
  }
}
