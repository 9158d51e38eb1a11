#!/usr/bin/env bash
# Runs every test of Gasometer: the .NET suite against SQLite and against a throwaway PostgreSQL
# server that this script starts in a temporary folder and stops at the end.
# As root on Debian it installs what is missing (apt); otherwise it says what to install.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\n== %s\n' "$*"; }

# --- 1. What a fresh machine lacks -------------------------------------------------------------
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
missing=()
[ -n "$(pg_bin)" ] || missing+=(postgresql)
# The dashboard's end-to-end tests drive Debian's Chromium (never a downloaded browser).
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required: https://dot.net" >&2; exit 1; }
command -v npm >/dev/null || { echo "Node.js 20 or later with npm is required to build and test the dashboard" >&2; exit 1; }
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "Installing ${missing[*]} from apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Please install: ${missing[*]} (Debian: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
fi

# --- 2. A throwaway PostgreSQL on a free loopback port -----------------------------------------
PGBIN=$(pg_bin)
pgdata=$(mktemp -d /tmp/gasometer-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb and pg_ctl refuse to run as root: run them as the postgres user on a folder it owns.
  chown postgres: "$pgdata"
  as_pg=(runuser -u postgres --)
fi
stop_pg() {
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$pgdata/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdata"
}
trap stop_pg EXIT

say "Starting a throwaway PostgreSQL ($("$PGBIN/postgres" --version))"
"${as_pg[@]}" "$PGBIN/initdb" -D "$pgdata/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
port=""
for _ in $(seq 1 20); do
  candidate=$((20000 + RANDOM % 40000))
  if "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$pgdata/data" -l "$pgdata/log" -w -t 30 start \
      -o "-p $candidate -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" >/dev/null; then
    port=$candidate
    break
  fi
done
[ -n "$port" ] || { echo "Could not start PostgreSQL:" >&2; cat "$pgdata/log" >&2; exit 1; }
export GASOMETER_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"

# --- 3. The tests ------------------------------------------------------------------------------
say "Running the dashboard's unit tests (Vitest)"
[ -d frontend/node_modules ] || (cd frontend && npm ci --no-audit --no-fund)
(cd frontend && npm test)

say "Running the .NET tests (SQLite and PostgreSQL on port $port)"
dotnet test Gasometer.slnx --nologo "$@"
