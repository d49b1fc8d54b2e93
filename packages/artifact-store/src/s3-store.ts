import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  type ArtifactStore,
  type ByteSource,
  ObjectMissingError,
  type PutOptions,
  type StoredObject,
} from "./artifact-store";
import { HashingStream } from "./hashing-stream";

export interface S3StoreConfig {
  bucket: string;
  /** Key prefix inside the bucket, e.g. "seqlab/"; default none. */
  prefix?: string;
  region?: string;
  /** An S3-compatible endpoint (MinIO, Ceph, R2, the test stand-in); unset for AWS itself. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean;
  /** Explicit credentials; unset uses the SDK's default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /**
   * Multipart part size in bytes (S3's minimum is 5 MiB). 8 MiB parts, 4 in flight: a 1.2 GB checkpoint is 150
   * parts, well under S3's 10,000, and at most 32 MiB of it is buffered at once.
   */
  partSizeBytes?: number;
  queueSize?: number;
}

/**
 * Checkpoints and media in S3-compatible object storage, for hosts that share no filesystem. Uploads stream through
 * `@aws-sdk/lib-storage`'s multipart Upload (a single PUT for objects under one part), hashed on the way, under a
 * random key: the sha256 is known only at the end, and S3 has no rename. The database records the key and digest.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly backend = "s3" as const;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly config: S3StoreConfig) {
    this.prefix = config.prefix ?? "";
    this.client = new S3Client({
      ...(config.region ? { region: config.region } : { region: "us-east-1" }),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle ?? Boolean(config.endpoint),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      // Newer SDKs add CRC checksums and aws-chunked bodies by default, which many S3-compatible servers reject;
      // integrity is ours to check anyway (sha256 in the database, verified on every read).
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  }

  async put(source: ByteSource, options: PutOptions = {}): Promise<StoredObject> {
    const key = `${this.prefix}objects/${randomUUID()}`;
    const hasher = new HashingStream(options.maxBytes);
    const input = source instanceof Readable ? source : Readable.from(source);
    input.on("error", (error) => hasher.destroy(error));
    input.pipe(hasher);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.config.bucket, Key: key, Body: hasher, ContentType: "application/octet-stream" },
      partSize: this.config.partSizeBytes ?? 8 * 1024 * 1024,
      queueSize: this.config.queueSize ?? 4,
      // A failed multipart upload is aborted, so its parts stop costing storage.
      leavePartsOnError: false,
    });
    const failed = new Promise<never>((_, reject) => hasher.once("error", reject));
    try {
      await Promise.race([upload.done(), failed]);
    } catch (error) {
      await upload.abort().catch(() => undefined);
      await this.delete(key).catch(() => undefined);
      throw error;
    }
    return { key, sha256: hasher.sha256(), size: hasher.byteCount };
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      if (!(out.Body instanceof Readable)) throw new Error(`S3 returned no body for ${key}`);
      return out.Body;
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404))
        throw new ObjectMissingError(key);
      throw error;
    }
  }

  async delete(key: string, _options: { unmodifiedSince?: Date } = {}): Promise<void> {
    // Keys are random and written once, so an old key is never rewritten: the condition always holds.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
  }

  async *list(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.config.bucket,
          Prefix: `${this.prefix}objects/`,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const item of page.Contents ?? []) {
        if (item.Key) yield { key: item.Key, modifiedAt: item.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async abandonIncomplete(startedBefore: Date): Promise<number> {
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.client
        .send(
          new ListMultipartUploadsCommand({
            Bucket: this.config.bucket,
            Prefix: `${this.prefix}objects/`,
            ...(keyMarker ? { KeyMarker: keyMarker } : {}),
            ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
          }),
        )
        .catch((error: unknown) => {
          // Some S3-compatible servers (s3rver, older MinIO) do not list multipart uploads: there a bucket lifecycle
          // rule (AbortIncompleteMultipartUpload) is the way to clean them up (docs/artifact-store.md).
          if (error instanceof S3ServiceException && error.name === "NotImplemented") return null;
          throw error;
        });
      if (!page) return aborted;
      for (const upload of page.Uploads ?? []) {
        if (!upload.Key || !upload.UploadId || !upload.Initiated || upload.Initiated >= startedBefore) continue;
        await this.client.send(
          new AbortMultipartUploadCommand({ Bucket: this.config.bucket, Key: upload.Key, UploadId: upload.UploadId }),
        );
        aborted++;
      }
      if (!page.IsTruncated) return aborted;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
