#!/usr/bin/env bash
# Installs everything KinBot needs to build and test on Debian 12 (bookworm). Idempotent; run as root or with sudo.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS=(build-essential cmake ninja-build ccache pkg-config
      qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev qt6-declarative-dev libqt6sql6-sqlite
      qt6-webengine-dev qt6-webengine-dev-tools
      libssl-dev libsqlite3-dev libzip-dev libpoppler-cpp-dev
      esbuild
      wrk curl xvfb xauth)
missing=()
# node + npm build the embedded JS runtime (resources/jsruntime); a NodeSource nodejs already brings npm.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
