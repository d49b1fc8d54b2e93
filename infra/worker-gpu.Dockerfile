# syntax=docker/dockerfile:1
#
# seqlab worker, NVIDIA GPU build: apps/worker on tfjs-node-gpu (the "tensorflow" backend) over a newer libtensorflow
# than the 2.9.1 tfjs-node-gpu 4.22 downloads, so it runs on CUDA 12 and cuDNN 9 (default: libtensorflow 2.18.0).
#
#   docker build -f infra/worker-gpu.Dockerfile -t seqlab/worker-gpu:local .   # context = repository root
#
# One worker process per GPU. Give each container the GPUs and pick its one with CUDA_VISIBLE_DEVICES, or
# with the worker's own --device flag (same effect):
#   docker run -d --gpus all -e CUDA_VISIBLE_DEVICES=0 -e DATABASE_URL=... -e REDIS_URL=... seqlab/worker-gpu:local
#   docker run -d --gpus all -e DATABASE_URL=... -e REDIS_URL=... seqlab/worker-gpu:local --device 1
# A GPU named either way is required: without one TensorFlow can use, the worker stops at start-up with TensorFlow's
# reason instead of training "gpu" jobs on the CPU. Pinning the device instead (`--gpus '"device=1"'`) isolates
# better: the container then has only /dev/nvidia1, which the GPU probe (packages/models init-backend) accepts like
# any /dev/nvidia<N>; inside, that GPU is CUDA device 0, so leave CUDA_VISIBLE_DEVICES unset or 0 then.
# (compose: infra/compose.yaml profile "gpu"; Kubernetes: infra/k8s/worker-gpu.yaml, nvidia.com/gpu: 1 per pod).
#
# Why not tfjs-node-gpu's own libtensorflow: 2.9.1 is built for CUDA 11.2 and cuDNN 8.1 (tfjs #8505), which predate
# Hopper, and fails under CUDA 12 on a missing libcudart.so.11.0 (tfjs #8362, #8187). Its install script
# (scripts/install.js) downloads whatever libtensorflow tarball scripts/custom-binary.json names ("tf-lib"); this
# image writes that file before the script runs. Google's Linux GPU tarballs (TensorFlow's tested build
# configurations give the CUDA/cuDNN each was built with): 2.15.0 (CUDA 12.2, cuDNN 8.9) and 2.18.0 (CUDA 12.5,
# cuDNN 9.3, the one on TensorFlow's "Install for C" page). TensorFlow loads cuDNN only of the major version it was
# built with and at least its minor, so the base image must match (CUDNN_MIN, checked below): 2.18 needs cuDNN
# 9.3+, which NVIDIA's 12.6 cudnn images carry (12.5.1's has 9.2). For 2.15 pass a cuDNN 8.9 base:
#   --build-arg LIBTENSORFLOW_VERSION=2.15.0 --build-arg CUDNN_MIN=8.9 \
#   --build-arg LIBTENSORFLOW_URL=https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-gpu-linux-x86_64-2.15.0.tar.gz \
#   --build-arg CUDA_IMAGE=nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04
# The host needs the NVIDIA Container Toolkit and a driver for the image's CUDA 12: >= 525 runs CUDA 12 libraries,
# but on Hopper (H100/H200) libtensorflow 2.18 has its kernels as compute_90 PTX only (TensorFlow's .bazelrc), which
# the driver compiles at first use, and PTX from CUDA 12.5 only a driver >= 555 compiles. What was and was not verified: docs/gpu.md.
#
# NVIDIA deletes Docker Hub tags of CUDA versions whose driver branch has reached end of life. If the default tag
# below no longer pulls, pass a mirrored copy with --build-arg CUDA_IMAGE=<your-registry>/cuda:<tag>, or any Ubuntu
# 22.04 image with the CUDA 12 runtime libraries and cuDNN installed (the check in the build stage below fails the
# build without libcudart.so.12, libcublas.so.12 and a cuDNN of CUDNN_MIN's major version, at least CUDNN_MIN).

ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04

# Source of the Node binary: the same official build the CPU images use. It needs glibc >= 2.28; Ubuntu 22.04
# has 2.35. Copying it avoids piping a setup script from the network into a shell.
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
# For the native binding: tfjs-node-gpu's install script compiles it from source for a custom libtensorflow
# (TFJS_BINDING=source, below), and as node-pre-gyp's fallback when a prebuilt one does not match. Building in the
# runtime base keeps the binding on the runtime's glibc.
# Only Ubuntu's own packages are needed: drop NVIDIA's apt sources first, whose signing key was rotated in 2022
# and which break `apt-get update` in images built before that (and in mirrors of them).
RUN rm -f /etc/apt/sources.list.d/cuda*.list /etc/apt/sources.list.d/nvidia-ml*.list \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Fail here, not on the first GPU job, if the base image lacks the libraries libtensorflow loads: it dlopens them
# when it starts, so a missing or too old one would only show as "TensorFlow found no GPU". cuDNN must have the
# major version libtensorflow was built with and at least its minor (TensorFlow refuses to run otherwise).
ARG CUDNN_MIN=9.3
RUN major="$(echo "${CUDNN_MIN}" | cut -d. -f1)" \
 && ldconfig -p | grep -q 'libcudart.so.12' \
 && ldconfig -p | grep -q 'libcublas.so.12' \
 && lib="$(ldconfig -p | awk -v n="libcudnn.so.${major}" '$1 == n { print $NF; exit }')" \
 && test -n "${lib}" \
 && have="$(readlink -f "${lib}" | sed 's/.*[.]so[.]//')" \
 && echo "cuDNN ${have}; libtensorflow needs ${major}.x, at least ${CUDNN_MIN}" \
 && test "$(printf '%s\n' "${CUDNN_MIN}" "${have}" | sort -V | head -n 1)" = "${CUDNN_MIN}" \
 || { echo "base image lacks the CUDA 12 runtime (libcudart.so.12, libcublas.so.12) or cuDNN >= ${CUDNN_MIN}" >&2; exit 1; }
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
COPY packages/artifact-store/package.json packages/artifact-store/
COPY apps/cli/package.json apps/cli/
COPY examples/track-your-own-model/package.json examples/track-your-own-model/
COPY scripts/package.json scripts/
COPY bench/package.json bench/
RUN --mount=type=cache,target=/root/.npm npm ci
# tfjs-node-gpu is not a dependency of the repo (it cannot install on machines without Google's storage or
# a GPU), so it is added to this image only, without touching package.json or the lockfile in the image.
# Its install script must run, and strict-allow-scripts refuses unreviewed scripts. npm rejects --allow-scripts on a
# project install and ignores .npmrc's allow-scripts when package.json has an allowScripts field, so the approval
# goes into this stage's copy of package.json, pinned to the one version; `COPY . .` below restores the repository's
# package.json. The package is first installed without scripts, so that scripts/custom-binary.json exists before
# `npm rebuild` runs its install script (`node scripts/install.js gpu download`), which then downloads
# LIBTENSORFLOW_URL instead of 2.9.1.
# TFJS_BINDING=source (default): with only "tf-lib" set, the script compiles the binding (node-gyp, the toolchain
# above) against the tarball's own C headers. TFJS_BINDING=prebuilt: an "addon" entry naming the stock 4.22
# binding (compiled against 2.9 headers) is downloaded instead; it links libtensorflow.so.2 and uses only C API
# functions 2.18 still exports, so it should load too, but that rests on TensorFlow's C ABI staying put.
# The checks at the end prove what was built: the custom libtensorflow is in place, the binding resolves
# libtensorflow.so.2 to it, and loading tfjs-node-gpu (no GPU needed) reports that version through TF_Version.
ARG TFJS_NODE_GPU_VERSION=4.22.0
ARG LIBTENSORFLOW_VERSION=2.18.0
ARG LIBTENSORFLOW_URL=https://storage.googleapis.com/tensorflow/versions/${LIBTENSORFLOW_VERSION}/libtensorflow-gpu-linux-x86_64.tar.gz
ARG TFJS_BINDING=source
RUN --mount=type=cache,target=/root/.npm \
    case "${TFJS_BINDING}" in source|prebuilt) ;; *) echo "TFJS_BINDING must be source or prebuilt" >&2; exit 1;; esac \
 && npm pkg set "allowScripts[@tensorflow/tfjs-node-gpu@${TFJS_NODE_GPU_VERSION}]=true" --json \
 && npm install --no-save --ignore-scripts "@tensorflow/tfjs-node-gpu@${TFJS_NODE_GPU_VERSION}" \
 && node -e 'const [url, binding, version] = process.argv.slice(1); \
      const addon = { host: "https://storage.googleapis.com/tf-builds/pre-built-binary", \
        remote_path: "./napi-v{napi_build_version}/" + version + "/", \
        package_name: "GPU-linux-" + version + ".tar.gz" }; \
      const json = binding === "prebuilt" ? { "tf-lib": url, addon } : { "tf-lib": url }; \
      const file = "node_modules/@tensorflow/tfjs-node-gpu/scripts/custom-binary.json"; \
      require("fs").writeFileSync(file, JSON.stringify(json, null, 2)); console.log(file, JSON.stringify(json));' \
      "${LIBTENSORFLOW_URL}" "${TFJS_BINDING}" "${TFJS_NODE_GPU_VERSION}" \
 && npm rebuild --foreground-scripts @tensorflow/tfjs-node-gpu \
 && test -f "node_modules/@tensorflow/tfjs-node-gpu/deps/lib/libtensorflow.so.${LIBTENSORFLOW_VERSION}" \
 && binding="$(ls node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v*/tfjs_binding.node | head -n 1)" \
 && ldd "${binding}" | grep 'libtensorflow' \
 && ldd "${binding}" | grep -q 'libtensorflow.so.2 => .*/deps/lib/libtensorflow.so.2 ' \
 && ! ldd "${binding}" | grep 'libtensorflow' | grep -q 'not found' \
 && node -e 'const v = require("@tensorflow/tfjs-node-gpu").backend().binding.TF_Version; \
      console.log("tfjs-node-gpu loads libtensorflow " + v); if (v !== process.argv[1]) process.exit(1);' \
      "${LIBTENSORFLOW_VERSION}"
COPY . .
# packages/db/prisma.config.ts points the CLI at a stub schema engine, so generate needs no download.
RUN npm run generate -w @seqlab/db

FROM cuda-node AS runtime
# SEQLAB_BACKEND=tensorflow: with a GPU named (CUDA_VISIBLE_DEVICES, --device) the worker needs TensorFlow to find
# it; with none named (Kubernetes) it fails over to CPU libtensorflow or wasm, and its device line says which.
# SEQLAB_QUEUES: GPU workers serve the "gpu" queue first, then help with "default".
# CUDA_CACHE_*: on Hopper and newer the driver compiles libtensorflow's PTX at first use; its cache in the data
# volume (4 GiB, CUDA's maximum, so TensorFlow's kernels fit) spares a restarted container that wait.
# TF_FORCE_GPU_ALLOW_GROWTH is set per training process by the worker (apps/worker trainer-process.ts).
ENV NODE_ENV=production \
    SEQLAB_BACKEND=tensorflow \
    SEQLAB_DATA_DIR=/data \
    SEQLAB_QUEUES=gpu,default \
    CUDA_CACHE_PATH=/data/cuda-cache \
    CUDA_CACHE_MAXSIZE=4294967296
# Ubuntu 22.04 has no uid 1000 user; create one so file ownership matches the CPU images (node, 1000).
RUN groupadd --gid 1000 seqlab \
 && useradd --uid 1000 --gid seqlab --create-home --shell /usr/sbin/nologin seqlab \
 && mkdir -p /data /artifacts && chown seqlab:seqlab /data /artifacts
COPY --from=build /app /app
USER seqlab
WORKDIR /app/apps/worker
# `node --import tsx` is `tsx src/main.ts` without tsx's parent process: the worker is PID 1 and gets SIGTERM
# itself, checkpoints its running job and hands it back (within 60 s, its own bound).
# An entrypoint, so the worker's flags can follow the image name: `docker run IMAGE --device 1`.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD []
