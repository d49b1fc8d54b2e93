import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages ship TypeScript sources. The dashboard imports only the light catalog entries of models and
  // datasets (`@seqlab/models/catalog`, `@seqlab/datasets/catalog`): TensorFlow.js never reaches its bundle.
  transpilePackages: [
    "@seqlab/artifact-store",
    "@seqlab/auth",
    "@seqlab/contracts",
    "@seqlab/datasets",
    "@seqlab/db",
    "@seqlab/queue",
    "@seqlab/models",
  ],
  // Native or worker-thread code that must be required at run time, not bundled.
  serverExternalPackages: [
    "bullmq",
    "ioredis",
    "pg",
    "@prisma/client",
    "@prisma/adapter-pg",
    // Loaded by Node at run time rather than bundled: the S3 client is large, prom-client keeps a global registry.
    "@aws-sdk/client-s3",
    "@aws-sdk/lib-storage",
    "prom-client",
  ],
  devIndicators: false,
  poweredByHeader: false,
};

export default nextConfig;
