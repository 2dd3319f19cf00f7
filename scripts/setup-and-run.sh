#!/usr/bin/env bash
# Sets up (Debian packages), builds in release mode and starts KinBot: the desktop window when a display is
# available, the headless server otherwise. Extra arguments go to the program (e.g. --port 3000 --data-dir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake --preset release
cmake --build --preset release -j"$(nproc)"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/release/app/kinbot ]; then
  exec build/release/app/kinbot "$@"
fi
exec build/release/app/kinbot-server "$@"
