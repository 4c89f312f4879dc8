#!/usr/bin/env bash
# Set codescale up on a fresh Debian machine (run as root, or with sudo for the apt steps):
# the package with its CPU extras, the Docker engine and the sandbox image, the embedded model.
set -euo pipefail
cd "$(dirname "$0")"

# llama-cpp-python compiles llama.cpp from source (about 6 minutes on 2 cores).
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
python3 -m pip install --quiet --progress-bar off -e '.[cpu,test]'

bash sandbox/setup.sh
codescale models setup
codescale sandbox check
