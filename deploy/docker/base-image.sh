#!/usr/bin/env bash
# Make a local stand-in for python:3.11-slim-bookworm when no container registry is
# reachable: a Debian bookworm root made with debootstrap from the host's apt mirror,
# with Python 3.11, venv and pip, imported as an image. The root filesystem tarball is
# cached, so it is made once per machine; importing it again takes seconds.
#
#   deploy/docker/base-image.sh            # prints the image name to use as PYTHON_IMAGE
#
# Environment: IMAGE_CACHE (default ~/.cache/ml-pipeline), BASE_IMAGE (image name),
# DEBIAN_MIRROR (default: the first URI in the host's apt sources, else deb.debian.org).
#
# The host's extra CA certificates (/usr/local/share/ca-certificates) are trusted inside
# the base too, so builds behind the same TLS-inspecting proxy as the host can use pip.
set -euo pipefail

CACHE="${IMAGE_CACHE:-$HOME/.cache/ml-pipeline}"
IMAGE="${BASE_IMAGE:-localhost/ml-pipeline-base:bookworm-py311}"
TARBALL="$CACHE/debian-bookworm-python311.tar"
PACKAGES=python3,python3-venv,python3-pip,python-is-python3,ca-certificates

host_mirror() {
  local uri
  uri=$(grep -hoE '^URIs: *http[^ ]+/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | sed 's/^URIs: *//') || true
  [ -n "$uri" ] || uri=$(grep -hoE '^deb +http[^ ]+/debian ' /etc/apt/sources.list 2>/dev/null | head -1 | awk '{print $2}') || true
  echo "${uri:-http://deb.debian.org/debian}"
}

make_tarball() {
  local root mirror
  mirror="${DEBIAN_MIRROR:-$(host_mirror)}"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  debootstrap --variant=minbase --include="$PACKAGES" bookworm "$root" "$mirror" >&2
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >&2
  fi
  # Same trimming as the slim images: no apt lists, caches, docs or man pages.
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
    "$root"/usr/share/locale/* "$root"/var/cache/debconf/*-old "$root"/var/log/*.log
  mkdir -p "$CACHE"
  tar -C "$root" --numeric-owner -cf "$TARBALL.partial" .
  mv "$TARBALL.partial" "$TARBALL"
}

[ -s "$TARBALL" ] || make_tarball
if ! podman image exists "$IMAGE"; then
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' \
    "$TARBALL" "$IMAGE" >&2
fi
echo "$IMAGE"
