#!/usr/bin/env bash
# Install buildah, podman and runc when missing, and write a containers.conf that works on a
# host like CI's (cgroups v1/hybrid, low rlimits, no container registry):
#   runc (crun refuses hybrid cgroups), cgroupfs, host networking, tini as PID 1 for --init,
#   and default ulimits within the host's hard limits.
# Prints the path of the containers.conf; use it with CONTAINERS_CONF=<path>.
set -euo pipefail

CACHE="${IMAGE_CACHE:-$HOME/.cache/ml-pipeline}"
CONF="$CACHE/containers.conf"

missing=()
for tool in podman buildah runc debootstrap tini-static bc; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah runc tini debootstrap bc >&2
fi

nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] && nofile=1048576
mkdir -p "$CACHE"
cat >"$CONF.partial" <<EOF
[containers]
netns = "host"
init_path = "/usr/bin/tini-static"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
mv "$CONF.partial" "$CONF"
echo "$CONF"
