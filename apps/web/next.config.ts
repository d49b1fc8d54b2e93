import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages ship TypeScript sources.
  transpilePackages: ["@seqlab/contracts", "@seqlab/datasets", "@seqlab/db", "@seqlab/queue", "@seqlab/models"],
  // Native, wasm or worker-thread code that must be required at run time, not bundled.
  serverExternalPackages: [
    "@tensorflow/tfjs",
    "@tensorflow/tfjs-backend-wasm",
    "@tensorflow/tfjs-core",
    "bullmq",
    "ioredis",
    "pg",
    "@prisma/client",
    "@prisma/adapter-pg",
    "hersheytext",
  ],
  devIndicators: false,
  poweredByHeader: false,
};

export default nextConfig;
