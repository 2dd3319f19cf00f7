#!/usr/bin/env bash
# Conversation-engine benchmark (bench/bench_engine.cpp): message POST → chat request at a fake LLM, and token fan-out
# from one turn to 1,000 SSE clients, against kinbot-server built in Release and run as a separate process.
#
# Usage: bench/run_engine_bench.sh [bench_engine options]   e.g. --turns 500 --clients 2000 --chunk-delay-ms 5
# Env:   BUILD_DIR (default build/bench)  JOBS (build parallelism, default 1)
# Needs the test support library (KINBOT_BUILD_TESTS=ON, the default): the fake LLM lives there.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/bench}
JOBS=${JOBS:-1}

if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKINBOT_BUILD_DESKTOP=OFF
fi
build_type=$(awk -F= '/^CMAKE_BUILD_TYPE:/ {print $2}' "$BUILD_DIR/CMakeCache.txt")
[[ $build_type == Release ]] || echo "warning: $BUILD_DIR is a '$build_type' build; the figures in bench/README.md are Release" >&2
cmake --build "$BUILD_DIR" --target bench_engine kinbot-server -j"$JOBS"

# 1,000 SSE sockets on each side: bench_engine raises its soft fd limit to the hard one, and the server inherits it.
echo "host: $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$BUILD_DIR/bench/bench_engine" --server "$BUILD_DIR/app/kinbot-server" "$@"
