#!/usr/bin/env bash
# Build the service images with buildah on a locally made Debian base (no registry needed),
# reusing cached layers, and print each image's build time and size.
#
#   deploy/docker/images.sh [target ...]     # default: gateway inference training drift
#
# Environment: IMAGE_TAG (default 0.1.0), PYTHON_IMAGE (skip the local base and build on
# this image instead, e.g. python:3.11.14-slim-bookworm where a registry is reachable),
# IMAGE_CACHE (where the base tarball and containers.conf live, default ~/.cache/ml-pipeline).
set -euo pipefail
cd "$(dirname "$0")/../.."

TAG="${IMAGE_TAG:-0.1.0}"
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(gateway inference training drift)

deploy/docker/podman-setup.sh >/dev/null
export CONTAINERS_CONF="${IMAGE_CACHE:-$HOME/.cache/ml-pipeline}/containers.conf"
base="${PYTHON_IMAGE:-$(deploy/docker/base-image.sh)}"

printf '%-12s %10s %10s\n' image seconds MB
for target in "${TARGETS[@]}"; do
  started=$(date +%s.%N)
  buildah bud --quiet --layers --format docker --isolation chroot --network host \
    --build-arg PYTHON_IMAGE="$base" \
    -f deploy/docker/Dockerfile --target "$target" \
    -t "localhost/ml-pipeline/$target:$TAG" . >/dev/null
  seconds=$(echo "$(date +%s.%N) - $started" | bc)
  bytes=$(podman image inspect --format '{{.Size}}' "localhost/ml-pipeline/$target:$TAG")
  printf '%-12s %10.1f %10d\n' "$target" "$seconds" $((bytes / 1000000))
done

# Each code change leaves the previous build's layers behind; keep the recent ones as cache.
podman image prune --force --filter "until=${IMAGE_CACHE_KEEP:-72h}" >/dev/null || true
