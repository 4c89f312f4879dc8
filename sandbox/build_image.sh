#!/usr/bin/env bash
# Build the sandbox image from Dockerfile.sandbox. Base image: $CODESCALE_SANDBOX_BASE when set
# (e.g. python:3.11-slim for users with a registry), otherwise one built offline by build_base.sh.
# Usage: sandbox/build_image.sh [IMAGE_TAG]   (default codescale-sandbox:latest)
set -euo pipefail
cd "$(dirname "$0")/.."

TAG="${1:-codescale-sandbox:latest}"
OFFLINE_BASE="codescale-sandbox-base:bookworm"

if [ -n "${CODESCALE_SANDBOX_BASE:-}" ]; then
    BASE="$CODESCALE_SANDBOX_BASE"
else
    bash sandbox/build_base.sh "$OFFLINE_BASE"
    BASE="$OFFLINE_BASE"
fi

# The label lets the host notice an image built from an older worker.
WORKER_SHA="$(sha256sum sandbox/worker.py | cut -c1-16)"
docker build --quiet -f Dockerfile.sandbox --build-arg BASE="$BASE" \
    --label "codescale.worker=$WORKER_SHA" -t "$TAG" . >/dev/null
echo "built $TAG from $BASE (worker $WORKER_SHA)"
