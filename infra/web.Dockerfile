# syntax=docker/dockerfile:1
#
# seqlab web: the Next.js dashboard and HTTP API (apps/web).
#
#   docker build -f infra/web.Dockerfile -t seqlab/web:local .      # context = repository root
#   docker run -p 3000:3000 -e DATABASE_URL=... -e REDIS_URL=... seqlab/web:local
#
# Stages: base (Node 20 + the npm the repo pins) -> deps (npm ci from manifests only, so source edits reuse
# the install layer) -> build (prisma generate + next build) -> runtime (non-root, no build cache).
# Migrations are not run here: the `migrate` service / Job runs them once before web starts.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
# The repo's .npmrc sets strict-allow-scripts and package.json carries the allowScripts policy: both are
# npm 11 features. The npm 10 bundled with Node 20 ignores them and would run every install script.
ARG NPM_VERSION=11.19.1
RUN npm install -g "npm@${NPM_VERSION}" && npm cache clean --force
# Prisma's CLI telemetry/update check and Next's telemetry have no business in a build or a container.
ENV CHECKPOINT_DISABLE=1 \
    NEXT_TELEMETRY_DISABLED=1
WORKDIR /app

FROM base AS deps
# Manifests only. Every workspace must be listed: npm ci refuses a lockfile whose workspaces are missing.
# Add a line here when a workspace is added (apps/*, packages/*, scripts, bench).
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
# Dev dependencies are kept: next build needs TypeScript, and the app packages are consumed from source.
RUN --mount=type=cache,target=/root/.npm npm ci

FROM deps AS build
COPY . .
# packages/db/prisma.config.ts points the CLI at a stub schema engine, so generate needs no download.
RUN npm run generate -w @seqlab/db
RUN npm run build -w @seqlab/web \
 && rm -rf apps/web/.next/cache

FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    SEQLAB_DATA_DIR=/data
# The whole workspace travels: the server imports @seqlab/* packages (symlinks into packages/) and their
# dependencies at run time. Follow-up for a smaller image: `output: "standalone"` in next.config.
COPY --from=build /app /app
# .next/cache (image optimisation, ISR) and the data dir must be writable by the unprivileged user.
# /artifacts is the filesystem artifact store's mount point (a volume shared with the workers).
RUN mkdir -p /data /artifacts /app/apps/web/.next/cache \
 && chown -R node:node /data /artifacts /app/apps/web/.next/cache
USER node
WORKDIR /app/apps/web
EXPOSE 3000
# Node 20 has fetch; the slim image has no curl. 3 s is far above a healthy /api/health answer.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The dashboard's own server (apps/web/server.mjs: Next behind a thin Node layer that refuses methods Next cannot
# represent) runs directly, not through `npm start`, so it is PID 1 and receives SIGTERM itself. It reads PORT and
# HOST; bind all interfaces so the container port is reachable.
ENV HOST=0.0.0.0
CMD ["node", "/app/apps/web/server.mjs"]
