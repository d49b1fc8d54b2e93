# syntax=docker/dockerfile:1
#
# seqlab worker, CPU build: the BullMQ training worker (apps/worker) on the wasm or cpu tfjs backend.
# The same image runs the one-shot `migrate` service/Job (`npm run migrate:deploy -w @seqlab/db`).
#
#   docker build -f infra/worker.Dockerfile -t seqlab/worker:local .   # context = repository root
#   docker run -e DATABASE_URL=... -e REDIS_URL=... seqlab/worker:local [--queues a,b]
#   docker run -e DATABASE_URL=... --workdir /app --entrypoint npm seqlab/worker:local run migrate:deploy -w @seqlab/db
#
# One process trains one job at a time on one core (wasm runs single-threaded under Node: notes/tfjs.md), so
# scale by running more containers, each with about one CPU, rather than by raising SEQLAB_WORKER_CONCURRENCY.
# For NVIDIA GPUs use infra/worker-gpu.Dockerfile.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
# strict-allow-scripts (.npmrc) and allowScripts (package.json) are npm 11 features; npm 10 ignores them.
ARG NPM_VERSION=11.19.1
RUN npm install -g "npm@${NPM_VERSION}" && npm cache clean --force
ENV CHECKPOINT_DISABLE=1
WORKDIR /app

FROM base AS deps
# Manifests only, so source edits reuse the install layer. npm ci needs every workspace's package.json:
# add a line when a workspace is added (apps/*, packages/*, scripts, bench).
COPY package.json package-lock.json .npmrc ./
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY packages/auth/package.json packages/auth/
COPY packages/config/package.json packages/config/
COPY packages/contracts/package.json packages/contracts/
COPY packages/datasets/package.json packages/datasets/
COPY packages/db/package.json packages/db/
COPY packages/models/package.json packages/models/
COPY packages/queue/package.json packages/queue/
COPY packages/sdk/package.json packages/sdk/
COPY packages/sweeps/package.json packages/sweeps/
COPY packages/artifact-store/package.json packages/artifact-store/
COPY apps/cli/package.json apps/cli/
COPY examples/track-your-own-model/package.json examples/track-your-own-model/
COPY scripts/package.json scripts/
COPY bench/package.json bench/
# Dev dependencies stay: the worker runs its TypeScript through tsx, a root dev dependency.
RUN --mount=type=cache,target=/root/.npm npm ci

FROM deps AS build
COPY . .
# packages/db/prisma.config.ts points the CLI at a stub schema engine, so generate needs no download.
RUN npm run generate -w @seqlab/db

FROM base AS runtime
ENV NODE_ENV=production \
    SEQLAB_DATA_DIR=/data \
    SEQLAB_QUEUES=default
COPY --from=build /app /app
# /artifacts: the filesystem artifact store's mount point (compose mounts a volume shared with web there); owned
# by the runtime user so a fresh named volume takes that ownership.
RUN mkdir -p /data /artifacts && chown node:node /data /artifacts
USER node
WORKDIR /app/apps/worker
# `node --import tsx` is `tsx src/main.ts` (the package's start script) without tsx's parent process: the worker
# is PID 1 and gets SIGTERM itself, checkpoints its running job and hands it back (within 60 s, its own bound).
# Give it time to do so: compose stop_grace_period / k8s terminationGracePeriodSeconds.
# An entrypoint, so the worker's flags can follow the image name: `docker run IMAGE --queues a,b`.
# Other commands (the migrate service) replace the entrypoint.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD []
