#!/usr/bin/env bash
# HTTP benchmark of kinbot-server: cold start, idle RSS, throughput and latency of
# GET /api/health and authenticated GET /api/me (API key and session cookie), RSS under load.
#
# Usage: bench/run_http_bench.sh [path/to/kinbot-server]
# Env:   DURATION (wrk seconds, default 10)  CONNECTIONS (default 32)  THREADS (default 2)
set -euo pipefail

BIN=${1:-build/release/app/kinbot-server}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install wrk curl python3)" >&2; exit 1; }
done
[[ -x $BIN ]] || { echo "server binary not found: $BIN (build with: cmake --preset release && cmake --build build/release --target kinbot-server)" >&2; exit 1; }

WORK=$(mktemp -d)
SERVER_PID=
cleanup() { if [[ -n $SERVER_PID ]]; then stop_server; fi; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# Starts the server on $PORT with data dir $1; sets COLD_MS to the ms from exec until the first 200 from /api/health,
# polled every 0.5 ms over a raw socket (a curl loop would add its own process start to every probe).
start_server() {
  local dir=$1
  COLD_MS=$(python3 - "$BIN" "$dir" "$PORT" "$WORK/server.log" "$WORK/server.pid" <<'EOF_PY'
import socket, subprocess, sys, time
binary, data_dir, port, log, pid_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
t0 = time.perf_counter()
proc = subprocess.Popen([binary, "--data-dir", data_dir, "--port", str(port), "--quiet"],
                        stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
request = f"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
while True:
    if proc.poll() is not None:
        sys.exit(f"server exited with {proc.returncode}: " + open(log).read())
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(request)
            if s.recv(64).startswith(b"HTTP/1.1 200"):
                break
    except OSError:
        pass
    time.sleep(0.0005)
print(round((time.perf_counter() - t0) * 1000, 1))
open(pid_file, "w").write(str(proc.pid))
EOF_PY
)
  SERVER_PID=$(cat "$WORK/server.pid")
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  while kill -0 "$SERVER_PID" 2>/dev/null; do sleep 0.01; done
  SERVER_PID=
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"

echo "== cold start (to first 200 on /api/health), 5 runs each =="
fresh=()
for i in 1 2 3 4 5; do
  start_server "$WORK/fresh-$i"; fresh+=("$COLD_MS"); stop_server
done
existing=()
start_server "$WORK/data"; stop_server
for i in 1 2 3 4 5; do
  start_server "$WORK/data"; existing+=("$COLD_MS"); stop_server
done
COLD_FRESH=$(printf '%s\n' "${fresh[@]}" | median)
COLD_EXISTING=$(printf '%s\n' "${existing[@]}" | median)
echo "fresh data dir:    ${fresh[*]} ms (median $COLD_FRESH)"
echo "existing data dir: ${existing[*]} ms (median $COLD_EXISTING)"

start_server "$WORK/data"

# Account, profile and API key.
JAR="$WORK/cookies"
curl -fs -c "$JAR" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password-123","name":"Bench"}' \
  "$BASE/api/auth/sign-up/email" >/dev/null
curl -fs -b "$JAR" -H 'Content-Type: application/json' -H "Origin: $BASE" \
  -d '{"firstName":"Bench","lastName":"User","pseudonym":"bench","language":"en"}' \
  "$BASE/api/onboarding/profile" >/dev/null
KEY=$(curl -fs -b "$JAR" -H 'Content-Type: application/json' -H "Origin: $BASE" \
  -d '{"name":"bench"}' "$BASE/api/me/api-keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
TOKEN=$(awk '$6 == "better-auth.session_token" {print $7}' "$JAR")
curl -fs -o /dev/null -H "X-API-Key: $KEY" "$BASE/api/me" || { echo "API key rejected" >&2; exit 1; }
curl -fs -o /dev/null -H "Cookie: better-auth.session_token=$TOKEN" "$BASE/api/me" || { echo "cookie rejected" >&2; exit 1; }

sleep 1
IDLE_RSS=$(rss_kib "$SERVER_PID")
echo
echo "== idle RSS after set-up: $((IDLE_RSS / 1024)) MiB ($IDLE_RSS KiB) =="

# Runs wrk and prints "req/s p50_ms p99_ms errors".
run_wrk() {
  local name=$1 url=$2; shift 2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$WORK/wrk-$name.txt"
  python3 - "$WORK/wrk-$name.txt" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r'([\d.]+)(us|ms|s|m)$', v)
    if not m:
        sys.exit(f"cannot parse wrk latency {v!r}:\n{text}")
    n, u = float(m.group(1)), m.group(2)
    if u == 'm':
        return n * 60000
    return n / 1000 if u == 'us' else n * 1000 if u == 's' else n
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
p50 = ms(re.search(r'^\s+50%\s+(\S+)', text, re.M).group(1))
p99 = ms(re.search(r'^\s+99%\s+(\S+)', text, re.M).group(1))
non2xx = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', text)
errs = re.search(r'Socket errors:.*', text)
print(f"{rps:.0f} {p50:.3f} {p99:.3f} {int(non2xx.group(1)) if non2xx else 0}{' ' + errs.group(0) if errs else ''}")
EOF
}

echo
echo "== wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s =="
printf '%-22s %10s %9s %9s %8s\n' endpoint 'req/s' 'p50 ms' 'p99 ms' 'non-2xx'
declare -A RESULT
for spec in "health|$BASE/api/health|" "me (X-API-Key)|$BASE/api/me|X-API-Key: $KEY" \
            "me (cookie)|$BASE/api/me|Cookie: better-auth.session_token=$TOKEN"; do
  IFS='|' read -r name url header <<<"$spec"
  if [[ -n $header ]]; then out=$(run_wrk "${name// /_}" "$url" -H "$header"); else out=$(run_wrk "${name// /_}" "$url"); fi
  read -r rps p50 p99 non2xx rest <<<"$out"
  RESULT[$name]="$rps $p99"
  printf '%-22s %10s %9s %9s %8s %s\n' "$name" "$rps" "$p50" "$p99" "$non2xx" "${rest:-}"
done
PEAK_RSS=$(hwm_kib "$SERVER_PID")
LOADED_RSS=$(rss_kib "$SERVER_PID")
echo
echo "== RSS: after load $((LOADED_RSS / 1024)) MiB, peak $((PEAK_RSS / 1024)) MiB =="

echo
echo "== against targets =="
verdict() { if python3 -c "import sys; sys.exit(0 if $1 else 1)"; then echo ok; else echo MISSED; fi; }
read -r key_rps key_p99 <<<"${RESULT[me (X-API-Key)]}"
read -r cookie_rps cookie_p99 <<<"${RESULT[me (cookie)]}"
printf '%-36s %-14s %s\n' "authed GET req/s >= 30000 (key)" "$key_rps" "$(verdict "$key_rps >= 30000")"
printf '%-36s %-14s %s\n' "authed GET req/s >= 30000 (cookie)" "$cookie_rps" "$(verdict "$cookie_rps >= 30000")"
printf '%-36s %-14s %s\n' "authed GET p99 <= 3 ms (key)" "$key_p99" "$(verdict "$key_p99 <= 3")"
printf '%-36s %-14s %s\n' "authed GET p99 <= 3 ms (cookie)" "$cookie_p99" "$(verdict "$cookie_p99 <= 3")"
printf '%-36s %-14s %s\n' "idle RSS <= 30 MiB" "$((IDLE_RSS / 1024)) MiB" "$(verdict "$IDLE_RSS <= 30720")"
printf '%-36s %-14s %s\n' "cold start <= 50 ms (existing dir)" "$COLD_EXISTING ms" "$(verdict "$COLD_EXISTING <= 50")"
printf '%-36s %-14s %s\n' "cold start <= 50 ms (fresh dir)" "$COLD_FRESH ms" "$(verdict "$COLD_FRESH <= 50")"
