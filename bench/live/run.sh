#!/usr/bin/env bash
# Live-feed benchmark: builds the server in Release, starts it as its own process on a loopback
# port with a fresh SQLite file (or PostgreSQL with --postgres "Host=...;Database=..."), connects
# the clients, posts the events and prints the figures.
#   bench/live/run.sh [--clients 1000] [--rate 500] [--seconds 60] [--postgres CONNECTION]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Gasometer -c Release --nologo -v quiet
dotnet run --project bench/live -c Release -- --server src/Gasometer/bin/Release/net10.0/gasometer.dll "$@"
