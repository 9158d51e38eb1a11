#!/usr/bin/env bash
# Dashboard benchmark (issue 5), run by hand: ./bench/dashboard/run.sh [runs] [rounds] [existing.db]
# Starts the Release server on a SQLite database, seeds it with a synthetic fleet of [runs] runs
# (default 1,000,000; 3 snapshots each, over the last 365 days) unless a database is given, then
# loads the dashboard [rounds] times in headless Chromium and prints the time until all six charts
# have settled, beside the time to the app shell measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-1000000}
rounds=${2:-5}
existing=${3:-}
[ -x /usr/bin/chromium ] || { [ "$(id -u)" -eq 0 ] && { apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; }; } >/dev/null; } || { echo "install chromium"; exit 1; }

work=$(mktemp -d /tmp/gasometer-dash-bench.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== building Release (server with dashboard, probe)"
dotnet build src/Gasometer -c Release -o "$work/app" --nologo -v q >/dev/null
dotnet build bench/dashboard/Probe -c Release -o "$work/probe" --nologo -v q >/dev/null

db=${existing:-$work/bench.db}
url=http://127.0.0.1:5303
dotnet "$work/app/gasometer.dll" --urls "$url" --Gasometer:SqlitePath="$db" --Logging:LogLevel:Default=Warning >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "$url/health" && break; sleep 0.1; done

if [ -z "$existing" ]; then
  echo "== seeding $runs runs"
  dotnet "$work/probe/Probe.dll" seed "$url" "$runs"
fi
echo "== loading the dashboard $rounds times"
dotnet "$work/probe/Probe.dll" time "$url" "$rounds"
