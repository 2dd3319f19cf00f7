#!/usr/bin/env bash
# Sets up (Debian packages), builds with tests (preset "ci") and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake --preset ci
cmake --build --preset ci -j"$(nproc)"
ctest --preset ci
