#!/usr/bin/env bash
# Transcript import benchmark: generates a corpus of realistic Claude Code transcripts (default
# 1100 MB) in a temp folder, imports it with gasometer into a fresh SQLite file (then again, to time
# an idempotent re-import), and runs ccusage 20.0.24 (`ccusage daily --json --offline`, its native
# binary) on the same corpus in the same run. Prints times, MB/s, sessions/s, peak memory and the
# token and dollar totals of both. Run by hand: bash bench/import/run.sh [SIZE_MB]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
size_mb="${1:-1100}"
work="$(mktemp -d /tmp/gasometer-import-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "== generating ${size_mb} MB corpus in $work/claude/projects"
python3 "$here/generate_corpus.py" --out "$work/claude/projects" --size-mb "$size_mb"
bytes=$(du -sb "$work/claude/projects" | cut -f1)

echo "== building gasometer (Release)"
dotnet build -c Release "$repo/src/Gasometer" -o "$work/bin" -v quiet -nologo >/dev/null
echo "== installing ccusage@20.0.24"
(cd "$work" && npm i --silent --no-audit --no-fund ccusage@20.0.24 >/dev/null)

measure() { # label, output file, command...
  local label="$1" out="$2"; shift 2
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$out"
  read -r secs kb <"$work/time.txt"
  python3 - "$label" "$secs" "$kb" "$bytes" <<'PY'
import sys
label, secs, kb, size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"{label:<28} {secs:8.2f} s  {size / 1e6 / secs:8.1f} MB/s  peak RSS {kb / 1024:7.1f} MB")
PY
  echo "$secs" >"$out.secs"
}

echo "== runs (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
measure "gasometer import" "$work/ours.txt" \
  "$work/bin/gasometer" import transcripts "$work/claude/projects" "--Gasometer:SqlitePath=$work/bench.db"
measure "gasometer re-import" "$work/ours2.txt" \
  "$work/bin/gasometer" import transcripts "$work/claude/projects" "--Gasometer:SqlitePath=$work/bench.db"
measure "ccusage daily --offline" "$work/ccusage.json" \
  env CLAUDE_CONFIG_DIR="$work/claude" "$work/node_modules/.bin/ccusage" daily --json --offline

python3 - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
ours = open(f"{work}/ours.txt").read()
def n(label):
    return int(re.search(rf"{label}\s+([\d,]+)", ours).group(1).replace(",", ""))
sessions = n("sessions")
secs, secs2, cc_secs = (float(open(f"{work}/{f}.secs").read()) for f in ("ours.txt", "ours2.txt", "ccusage.json"))
ours2 = open(f"{work}/ours2.txt").read()
def phases(text):
    m = re.search(r"read in ([\d.]+) s, stored in ([\d.]+) s", text)
    return float(m.group(1)), float(m.group(2))
(scan, store), (scan2, store2) = phases(ours), phases(ours2)
snapshots = n("snapshots")
print(f"sessions {sessions}: gasometer {sessions / secs:.1f} sessions/s (first import), {sessions / secs2:.1f} sessions/s (re-import)")
print(f"gasometer first import: reading {scan:.2f} s, storing {store:.2f} s ({snapshots:,} snapshots, {snapshots / store:,.0f}/s), "
      f"the rest (start-up, price table, migrations not hidden behind reading) {secs - scan - store:.2f} s")
print(f"gasometer re-import: reading {scan2:.2f} s, storing {store2:.2f} s")
print(f"ratio to ccusage, whole import: {cc_secs / secs:.2f}x, re-import: {cc_secs / secs2:.2f}x, reading alone: {cc_secs / scan:.2f}x")
cc = json.load(open(f"{work}/ccusage.json"))["totals"]
rows = [
    ("input tokens", n("input tokens"), cc["inputTokens"]),
    ("output tokens", n("output tokens"), cc["outputTokens"]),
    ("cache write tokens", n("cache write 5m") + n("cache write 1h"), cc["cacheCreationTokens"]),
    ("cache read tokens", n("cache read"), cc["cacheReadTokens"]),
]
print(f"{'':22}{'gasometer':>16}{'ccusage':>16}")
for name, a, b in rows:
    print(f"{name:22}{a:>16,}{b:>16,}{'' if a == b else '   differs'}")
total = re.search(r"total\s+\$([\d.]+)", ours).group(1)
print(f"{'USD':22}{total:>16}{cc['totalCost']:>16.7f}")
PY
