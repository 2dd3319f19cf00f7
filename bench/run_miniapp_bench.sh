#!/usr/bin/env bash
# Mini-app backend benchmark of kinbot-server: wrk GET through a Hono _server.js (the reference: 2.4k req/s on this
# hardware; target here ≥ 5k), POST JSON through it, and the RSS each loaded backend adds (target ≤ 4 MB).
#
# Usage: bench/run_miniapp_bench.sh [path/to/kinbot-server]
# Env:   DURATION (wrk seconds, default 10)  CONNECTIONS (default 32)  THREADS (default 2)  APPS (RSS step, default 19: 20 apps per Kin)
set -euo pipefail

BIN=${1:-build/release/app/kinbot-server}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
APPS=${APPS:-19}

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install wrk curl python3)" >&2; exit 1; }
done
[[ -x $BIN ]] || { echo "server binary not found: $BIN" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=
cleanup() { [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
B="http://127.0.0.1:$PORT"
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }

"$BIN" --data-dir "$WORK/data" --port "$PORT" --quiet >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 200); do curl -fs -o /dev/null "$B/api/health" && break; sleep 0.05; done

J='Content-Type: application/json'
curl -fs -c "$WORK/jar" -H "$J" -d '{"name":"Bench","email":"bench@example.test","password":"correct-horse-42"}' "$B/api/auth/sign-up/email" >/dev/null
curl -fs -b "$WORK/jar" -H "Origin: $B" -H "$J" -d '{"firstName":"B","lastName":"B","pseudonym":"bench"}' "$B/api/onboarding/profile" >/dev/null
KEY=$(curl -fs -b "$WORK/jar" -H "Origin: $B" -H "$J" -d '{"name":"bench"}' "$B/api/me/api-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
K="X-API-Key: $KEY"
KIN=$(curl -fs -H "$K" -H "$J" -d '{"name":"Bench","role":"r","character":"c","expertise":"e","model":"gpt-4o"}' "$B/api/kins" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["kin"]["id"])')

SERVER_JS='export default (ctx) => { const app = new ctx.Hono();
  app.get("/hello", (c) => c.json({ message: "Hello from the backend!" }));
  app.post("/items/:id", async (c) => { const body = await c.req.json(); return c.json({ id: c.req.param("id"), ...body }, 201); });
  return app; }'
new_app() { # slug → app id, with the backend written and loaded by a first request
  local id
  id=$(curl -fs -H "$K" -H "$J" -d "{\"kinId\":\"$KIN\",\"name\":\"$1\",\"slug\":\"$1\"}" "$B/api/mini-apps" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["app"]["id"])')
  curl -fs -o /dev/null -X PUT -H "$K" -H 'Content-Type: application/javascript' --data-binary "$SERVER_JS" "$B/api/mini-apps/$id/files/_server.js"
  curl -fs -o /dev/null -H "$K" "$B/api/mini-apps/$id/api/hello"
  echo "$id"
}

RSS0=$(rss_kib)
[[ -n ${PERF_OUT:-} ]] && { perf record -F 999 -g -p "$SERVER_PID" -o "$PERF_OUT" -- sleep $((DURATION + 2)) >/dev/null 2>&1 & }
APP=$(new_app bench-0)
echo "== one backend: $(curl -fs -H "$K" "$B/api/mini-apps/$APP/api/hello") =="
cat >"$WORK/post.lua" <<'EOF_LUA'
wrk.method = "POST"
wrk.body = '{"name":"widget","n":3}'
wrk.headers["Content-Type"] = "application/json"
EOF_LUA
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "$K" "$B/api/mini-apps/$APP/api/hello" >/dev/null # warm-up
for spec in "GET /hello|" "POST /items/42|-s $WORK/post.lua"; do
  name=${spec%%|*}; extra=${spec#*|}
  path=${name#* }
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "$K" $extra "$B/api/mini-apps/$APP/api$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '%-16s %8s req/s  p50 %-8s p99 %-8s %s\n' "$name" "$rps" "$p50" "$p99" "$errs"
done
RSS1=$(rss_kib)
for i in $(seq 1 "$APPS"); do new_app "bench-$i" >/dev/null; done
RSS2=$(rss_kib)
echo "RSS: idle ${RSS0} KiB, one backend under load ${RSS1} KiB, +$APPS backends ${RSS2} KiB: $(( (RSS2 - RSS1) / APPS )) KiB per loaded backend"
