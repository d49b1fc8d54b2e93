# syntax=docker/dockerfile:1
#
# seqlab worker, NVIDIA GPU build: apps/worker on tfjs-node-gpu (the "tensorflow" backend, libtensorflow 2.9.1).
#
#   docker build -f infra/worker-gpu.Dockerfile -t seqlab/worker-gpu:local .   # context = repository root
#
# One worker process per GPU. Give each container the GPUs and pick its one with CUDA_VISIBLE_DEVICES, or
# with the worker's own --device flag (same effect):
#   docker run -d --gpus all -e CUDA_VISIBLE_DEVICES=0 -e DATABASE_URL=... -e REDIS_URL=... seqlab/worker-gpu:local
#   docker run -d --gpus all -e DATABASE_URL=... -e REDIS_URL=... seqlab/worker-gpu:local --device 1
# Pinning the device instead (`--gpus '"device=1"'`) isolates better, but the container then has only
# /dev/nvidia1, and the worker's GPU probe (packages/models init-backend) looks for /dev/nvidia0: it would fall
# back to wasm on every GPU but the first. Pin only GPU 0 that way until the probe looks for any /dev/nvidia<N>.
# (compose: infra/compose.yaml profile "gpu"; Kubernetes: infra/k8s/worker-gpu.yaml, nvidia.com/gpu: 1 per pod).
#
# Why CUDA 11.2 + cuDNN 8: tfjs-node-gpu 4.22 downloads libtensorflow 2.9.1, built against them. Under CUDA 12
# it fails on a missing libcudart.so.11.0 (tfjs #8362, #8187), without cuDNN 8 on libcudnn.so.8 (#8269).
# The host needs the NVIDIA driver (>= 460 for CUDA 11.2) and the NVIDIA Container Toolkit; CUDA itself comes
# from this image.
#
# NVIDIA deletes Docker Hub tags of CUDA versions whose driver branch has reached end of life (11.2.0 and 11.2.1
# are already gone). If the default tag below no longer pulls, pass a mirrored copy with
#   --build-arg CUDA_IMAGE=<your-registry>/cuda:11.2.2-cudnn8-runtime-ubuntu20.04
# or any Ubuntu 20.04 image with CUDA 11.2 runtime libraries and cuDNN 8.1 installed (the check in the build
# stage below fails the build when libcudart.so.11.0 or libcudnn.so.8 is missing).

ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04

# Source of the Node binary: the same official build the CPU images use. It needs glibc >= 2.28; Ubuntu 20.04
# has 2.31. Copying it avoids piping a setup script from the network into a shell.
FROM ${NODE_IMAGE} AS node

FROM ${CUDA_IMAGE} AS cuda-node
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
# strict-allow-scripts (.npmrc) and allowScripts (package.json) are npm 11 features; npm 10 ignores them.
ARG NPM_VERSION=11.19.1
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && npm install -g "npm@${NPM_VERSION}" \
 && npm cache clean --force
ENV CHECKPOINT_DISABLE=1
WORKDIR /app

FROM cuda-node AS build
# Only for node-pre-gyp's fallback: tfjs-node-gpu's install script downloads a prebuilt binding and compiles
# it from source when none matches. Building in the runtime base keeps the binding on the runtime's glibc.
# Only Ubuntu's own packages are needed: drop NVIDIA's apt sources first, whose signing key was rotated in 2022
# and which break `apt-get update` in images built before that (and in mirrors of them).
RUN rm -f /etc/apt/sources.list.d/cuda*.list /etc/apt/sources.list.d/nvidia-ml*.list \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Fail here, not on the first GPU job, if the base image lacks the libraries libtensorflow 2.9.1 loads.
RUN ldconfig -p | grep -q 'libcudart.so.11.0' \
 && ldconfig -p | grep -q 'libcudnn.so.8' \
 || { echo "base image lacks CUDA 11 runtime (libcudart.so.11.0) or cuDNN 8 (libcudnn.so.8)" >&2; exit 1; }
# Manifests only, so source edits reuse the install layers. npm ci needs every workspace's package.json:
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
COPY apps/cli/package.json apps/cli/
COPY examples/track-your-own-model/package.json examples/track-your-own-model/
COPY scripts/package.json scripts/
COPY bench/package.json bench/
RUN --mount=type=cache,target=/root/.npm npm ci
# tfjs-node-gpu is not a dependency of the repo (it cannot install on machines without Google's storage or
# a GPU), so it is added to this image only, without touching package.json or the lockfile in the image.
# Its install script (download libtensorflow 2.9.1 + the native binding) must run, and strict-allow-scripts
# refuses unreviewed scripts. npm rejects --allow-scripts on a project install and ignores .npmrc's
# allow-scripts when package.json has an allowScripts field, so the approval goes into this stage's copy of
# package.json, pinned to the one version; `COPY . .` below restores the repository's package.json.
# The two checks at the end prove the script ran: libtensorflow was downloaded and the binding is in place.
ARG TFJS_NODE_GPU_VERSION=4.22.0
RUN --mount=type=cache,target=/root/.npm \
    npm pkg set "allowScripts[@tensorflow/tfjs-node-gpu@${TFJS_NODE_GPU_VERSION}]=true" --json \
 && npm install --no-save --foreground-scripts "@tensorflow/tfjs-node-gpu@${TFJS_NODE_GPU_VERSION}" \
 && test -f node_modules/@tensorflow/tfjs-node-gpu/deps/lib/libtensorflow.so.2.9.1 \
 && ls node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v*/tfjs_binding.node >/dev/null
COPY . .
# packages/db/prisma.config.ts points the CLI at a stub schema engine, so generate needs no download.
RUN npm run generate -w @seqlab/db

FROM cuda-node AS runtime
# SEQLAB_BACKEND=tensorflow: fail over to wasm only if libtensorflow cannot load (the worker logs why).
# SEQLAB_QUEUES: GPU workers serve the "gpu" queue first, then help with "default".
ENV NODE_ENV=production \
    SEQLAB_BACKEND=tensorflow \
    SEQLAB_DATA_DIR=/data \
    SEQLAB_QUEUES=gpu,default
# Ubuntu 20.04 has no uid 1000 user; create one so file ownership matches the CPU images (node, 1000).
RUN groupadd --gid 1000 seqlab \
 && useradd --uid 1000 --gid seqlab --create-home --shell /usr/sbin/nologin seqlab \
 && mkdir -p /data && chown seqlab:seqlab /data
COPY --from=build /app /app
USER seqlab
WORKDIR /app/apps/worker
# `node --import tsx` is `tsx src/main.ts` without tsx's parent process: the worker is PID 1 and gets SIGTERM
# itself, checkpoints its running job and hands it back (within 60 s, its own bound).
# An entrypoint, so the worker's flags can follow the image name: `docker run IMAGE --device 1`.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD []
