#!/usr/bin/env bash
# Ingest benchmark (issue 2), run by hand: ./bench/ingest/run.sh [seconds] [connections]
# - sustained single-event POST /api/ingest from wrk (a separate process) against the Release
#   server on SQLite, beside a trivial Kestrel endpoint measured the same way in the same run,
#   then at a steady 5,000 events/s for the latency target;
# - durability: the server is killed with SIGKILL and every 201 must be in the database after;
# - POST /api/ingest/batch with 10,000 events per request.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
connections=${2:-32}
for tool in wrk sqlite3 curl; do
  command -v $tool >/dev/null || { [ "$(id -u)" -eq 0 ] && { apt-get install -y -qq $tool || { apt-get update -qq && apt-get install -y -qq $tool; }; } >/dev/null; } || { echo "install $tool"; exit 1; }
done

work=$(mktemp -d /tmp/gasometer-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

echo "== building Release"
dotnet build src/Gasometer -c Release -p:SkipFrontend=true -o "$work/app" --nologo -v q >/dev/null
dotnet build bench/ingest/Baseline -c Release -o "$work/baseline" --nologo -v q >/dev/null

wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "server did not start"; exit 1; }

wrk_run() { # url -> prints wrk output
  wrk -t1 -c"$connections" -d"${seconds}s" --latency -s bench/ingest/events.lua "$1"
}

summary() { # wrk output file, label
  local f=$1 label=$2
  local reqs non2xx rps p50 p99
  reqs=$(grep -oE '^ +[0-9]+ requests in' "$f" | grep -oE '[0-9]+')
  non2xx=$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$f" | grep -oE '[0-9]+$' || echo 0)
  rps=$(grep -oE 'Requests/sec: +[0-9.]+' "$f" | grep -oE '[0-9.]+$')
  p50=$(grep -E '^ +50%' "$f" | awk '{print $2}')
  p99=$(grep -E '^ +99%' "$f" | awk '{print $2}')
  printf '%-28s %10s req/s  p50 %8s  p99 %8s  requests %s  non-2xx %s\n' "$label" "$rps" "$p50" "$p99" "$reqs" "${non2xx:-0}"
}

echo "== baseline: trivial Kestrel endpoint (${seconds}s, $connections connections)"
ASPNETCORE_URLS=http://127.0.0.1:5301 Logging__LogLevel__Default=Warning dotnet "$work/baseline/Baseline.dll" >/dev/null 2>&1 &
pids+=($!)
sleep 2
wrk_run http://127.0.0.1:5301 > "$work/baseline.txt"
kill -9 "${pids[-1]}"

echo "== gasometer: POST /api/ingest on SQLite (${seconds}s, $connections connections)"
start_server() {
  dotnet "$work/app/gasometer.dll" --urls http://127.0.0.1:5302 --Gasometer:SqlitePath="$work/bench.db" \
    --Logging:LogLevel:Default=Warning >"$work/server.log" 2>&1 &
  pids+=($!)
  wait_up http://127.0.0.1:5302/health
}
start_server
rss_before=$(ps -o rss= -p "${pids[-1]}")
wrk_run http://127.0.0.1:5302 > "$work/ingest.txt"
# The run above is as fast as the server answers, so its latency is that of a saturated server. The
# target is a latency at a given rate: the same server, now warm, at a steady 5,000 events/s of
# new sessions (events.lua spaces the requests on one schedule).
echo "== gasometer: POST /api/ingest at a steady rate (${seconds}s)"
RUN=2 RATE=5000 wrk -t1 -c64 -d"${seconds}s" --latency -s bench/ingest/events.lua http://127.0.0.1:5302 > "$work/paced.txt"
rss_after=$(ps -o rss= -p "${pids[-1]}")
kill -9 "${pids[-1]}" # a crash, not a clean stop: only what was committed survives

answered() { # wrk output file -> requests answered 2xx
  local reqs non2xx
  reqs=$(grep -oE '^ +[0-9]+ requests in' "$1" | grep -oE '[0-9]+')
  non2xx=$(grep -oE 'Non-2xx or 3xx responses: [0-9]+' "$1" | grep -oE '[0-9]+$' || echo 0)
  echo $((reqs - ${non2xx:-0}))
}
accepted=$(( $(answered "$work/ingest.txt") + $(answered "$work/paced.txt") ))
start_server
stored=$(sqlite3 "$work/bench.db" "SELECT COUNT(*) FROM snapshots")
echo
summary "$work/baseline.txt" "trivial Kestrel endpoint"
summary "$work/ingest.txt" "gasometer POST /api/ingest"
summary "$work/paced.txt" "  at a steady rate"
base_rps=$(grep -oE 'Requests/sec: +[0-9.]+' "$work/baseline.txt" | grep -oE '[0-9.]+$')
ing_rps=$(grep -oE 'Requests/sec: +[0-9.]+' "$work/ingest.txt" | grep -oE '[0-9.]+$')
echo "ratio gasometer / trivial:    $(awk -v a="$ing_rps" -v b="$base_rps" 'BEGIN{printf "%.2f", a/b}')"
echo "durability after SIGKILL:     $accepted answered 201, $stored snapshots stored $( [ "$stored" -ge "$accepted" ] && echo '(all present)' || echo '(LOST SOME)')"
echo "server RSS:                   $((rss_before/1024)) MiB before, $((rss_after/1024)) MiB after load"

echo
echo "== POST /api/ingest/batch, 10,000 events per request"
# 25 files of distinct sessions: 5 to warm the server up (a long-running server has long since
# compiled this path; the first requests after a start pay the JIT), then 10 one after another,
# then 10 with two requests in flight (parsing one while the other commits, as a backfill script would).
for b in $(seq 1 25); do
  awk -v b="$b" 'BEGIN { for (i = 1; i <= 10000; i++) printf "{\"session_id\":\"batch-%d-%d\",\"role\":\"polecat\",\"rig\":\"r%d\",\"cost_usd\":%.4f,\"input_tokens\":%d,\"ended_at\":\"2026-04-01T%02d:%02d:%02dZ\"}\n", b, i % 1000, i % 5, (int(i/1000)+1)*0.01, i, int(i/3600)%24, int(i/60)%60, i%60 }' > "$work/batch-$b.ndjson"
done
post_batch() { # file number
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$work/batch-$1.ndjson" http://127.0.0.1:5302/api/ingest/batch)
  [ "$code" = 201 ] || { echo "batch $1 answered $code"; exit 1; }
}
rate() { awk -v n="$1" -v ms="$2" 'BEGIN{printf "%.0f", n/(ms/1000)}'; }
t0=$(date +%s%N)
for b in $(seq 1 5); do post_batch "$b"; done
t1=$(date +%s%N)
for b in $(seq 6 15); do post_batch "$b"; done
t2=$(date +%s%N)
for b in 16 18 20 22 24; do post_batch "$b" & other=$!; post_batch $((b + 1)); wait "$other" || exit 1; done
t3=$(date +%s%N)
cold=$(( (t1 - t0) / 1000000 )); seq_ms=$(( (t2 - t1) / 1000000 )); par_ms=$(( (t3 - t2) / 1000000 ))
echo "first 5 after start (JIT):    50000 events in ${cold} ms = $(rate 50000 "$cold") events/s"
echo "next 10, one at a time:       100000 events in ${seq_ms} ms = $(rate 100000 "$seq_ms") events/s"
echo "next 10, two in flight:       100000 events in ${par_ms} ms = $(rate 100000 "$par_ms") events/s"
