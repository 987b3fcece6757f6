#!/usr/bin/env bash
# One-shot command latency: `./scoutbot --help`, `list --json` and `status --json`, each a fresh
# process through the launcher, with the AOT cache (the default once `./scoutbot build` made it) and
# without it (SCOUTBOT_AOT=off), against the yardstick `java -version` on the same JVM. hyperfine
# (Debian package `hyperfine`) runs every command RUNS times after WARMUP runs; medians in seconds.
# The database is a fresh SQLite file with its schema already migrated (a first run migrates it),
# so `list` measures the common case: the schema is current.
# Settings: RUNS (15), WARMUP (3).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
command -v jq >/dev/null || { echo "needs jq (apt-get install -y jq)" >&2; exit 2; }
RUNS=${RUNS:-15}
WARMUP=${WARMUP:-3}
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/scoutbot-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
java_bin="$(./scoutbot --print-java)"
export DATA_DIR="$work/data" LOG_LEVEL=warn
./scoutbot list --json >/dev/null # creates and migrates the database once

launcher="$PWD/scoutbot"
hyperfine -N --style none --runs "$RUNS" --warmup "$WARMUP" --export-json "$work/times.json" \
  --command-name="java -version (yardstick)" "$java_bin -version" \
  --command-name="scoutbot --help, no AOT cache" "env SCOUTBOT_AOT=off $launcher --help" \
  --command-name="scoutbot --help" "$launcher --help" \
  --command-name="scoutbot list --json, no AOT cache" "env SCOUTBOT_AOT=off $launcher list --json" \
  --command-name="scoutbot list --json" "$launcher list --json" \
  --command-name="scoutbot status --json, no AOT cache" "env SCOUTBOT_AOT=off $launcher status --json" \
  --command-name="scoutbot status --json" "$launcher status --json" >&2

yard=$(jq '.results[0].median' "$work/times.json")
echo
echo "$RUNS runs each after $WARMUP warm-up runs (hyperfine), through the launcher; $("$java_bin" -version 2>&1 | head -n 1)"
echo
echo "| command | median s | min s | max s | × java -version |"
echo "|---|---:|---:|---:|---:|"
jq -r --argjson y "$yard" \
  '.results[] | "| \(.command) | \(.median*100|round/100) | \(.min*100|round/100) | \(.max*100|round/100) | \(.median/$y*10|round/10) |"' \
  "$work/times.json" | sed 's/^| \([^|]*\) |/| `\1` |/'
