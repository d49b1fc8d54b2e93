import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** s3rver ships no types; the part of its API the tests use. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: never[] }[];
}) => S3rverInstance;

/**
 * An S3 stand-in (s3rver) on a free port with one bucket, and what reaches it. `address` is where it listens:
 * loopback by default, or an address other (test) hosts reach.
 */
export async function startS3StandIn(options: { bucket?: string; address?: string } = {}): Promise<{
  endpoint: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}> {
  const S3rver = require("s3rver") as S3rverClass;
  const bucket = options.bucket ?? "seqlab-test";
  const address = options.address ?? "127.0.0.1";
  const directory = mkdtempSync(path.join(tmpdir(), "seqlab-s3rver-"));
  const server = new S3rver({
    address,
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const listening = await server.run();
  return {
    endpoint: `http://${address}:${listening.port}`,
    bucket,
    // s3rver's fixed development credentials.
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
