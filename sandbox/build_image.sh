#!/usr/bin/env bash
# Build the sandbox image from the Dockerfile next to this script, with this script's folder
# (sandbox/ in a checkout, codescale/sandbox/ in an installed package) as the build context.
# Base image: $CODESCALE_SANDBOX_BASE when set (e.g. python:3.11-slim for users with a
# registry), otherwise one built offline by build_base.sh.
# Usage: build_image.sh [IMAGE_TAG]   (default codescale-sandbox:latest; any working directory)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

TAG="${1:-codescale-sandbox:latest}"
OFFLINE_BASE="codescale-sandbox-base:bookworm"

if [ -n "${CODESCALE_SANDBOX_BASE:-}" ]; then
    BASE="$CODESCALE_SANDBOX_BASE"
else
    bash "$HERE/build_base.sh" "$OFFLINE_BASE"
    BASE="$OFFLINE_BASE"
fi

# The label lets the host notice an image built from an older worker.
WORKER_SHA="$(sha256sum "$HERE/worker.py" | cut -c1-16)"
docker build --quiet -f "$HERE/Dockerfile" --build-arg BASE="$BASE" \
    --label "codescale.worker=$WORKER_SHA" -t "$TAG" "$HERE" >/dev/null
echo "built $TAG from $BASE (worker $WORKER_SHA)"
