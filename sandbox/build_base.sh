#!/usr/bin/env bash
# Build the sandbox's base image without any container registry:
# debootstrap a minimal Debian with Python into a folder, then `docker import` it.
# Usage: sandbox/build_base.sh [IMAGE_TAG]   (needs root, debootstrap and a Docker engine)
set -euo pipefail

TAG="${1:-codescale-sandbox-base:bookworm}"
SUITE="${CODESCALE_DEBIAN_SUITE:-bookworm}"
# The Debian archive this machine's apt already uses, unless CODESCALE_DEBIAN_MIRROR says otherwise.
apt_mirror() {
    { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
      grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}'; } \
        | grep -v -e security -e updates | head -n 1 || true
}
MIRROR="${CODESCALE_DEBIAN_MIRROR:-$(apt_mirror)}"
[ -n "$MIRROR" ] || { echo "no Debian mirror found in apt sources; set CODESCALE_DEBIAN_MIRROR" >&2; exit 1; }
# python3-minimal is the interpreter; libpython3-stdlib adds the standard library
# modules candidate programs import (fractions, decimal, heapq, ...).
PACKAGES="python3-minimal,libpython3-stdlib"

if docker image inspect "$TAG" >/dev/null 2>&1; then
    echo "base image $TAG already present"
    exit 0
fi

ROOTFS="$(mktemp -d /tmp/codescale-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT

echo "debootstrap $SUITE ($PACKAGES) into $ROOTFS"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$MIRROR" >/dev/null

# Nothing a program needs: package caches, docs, manuals, locales.
rm -rf "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/lib/apt/lists/* \
       "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
       "$ROOTFS"/usr/share/locale/*

tar --numeric-owner -C "$ROOTFS" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/usr/bin/python3"]' - "$TAG" >/dev/null
echo "built base image $TAG"
