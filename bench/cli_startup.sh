#!/usr/bin/env bash
# One-shot command latency: `./scoutbot --help`, `list --json` and `status --json`, each a fresh
# process through the launcher, as it runs them (AOT cache, C1 only with fewer compilations),
# without the AOT cache (SCOUTBOT_AOT=off), and without either (also JAVA_OPTS undoing the
# launcher's JIT flags), against the yardstick `java -version` on the same JVM. With
# BASELINE=DIR (another checkout whose jar is built, e.g. an older commit), its launcher runs the
# same commands in the same hyperfine run, for a before/after table. hyperfine (Debian package
# `hyperfine`) runs every command RUNS times after WARMUP runs; wall-clock medians and mean CPU
# (user + system) in seconds. Each tree gets a fresh SQLite file whose schema its first run created,
# so `list` measures the usual case: the schema is current.
# Settings: RUNS (15), WARMUP (3), BASELINE (none).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine jq; do
  command -v "$tool" >/dev/null || { echo "skipped: needs $tool (apt-get install -y $tool)"; exit 0; }
done
RUNS=${RUNS:-15}
WARMUP=${WARMUP:-3}
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/scoutbot-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
java_bin="$(./scoutbot --print-java)"
export LOG_LEVEL=warn

commands=(--command-name="java -version (yardstick)" "$java_bin -version")
# undoes the launcher's JIT flags for one-shot commands (hyperfine -N splits words like a shell)
jit_defaults='JAVA_OPTS=-XX:TieredStopAtLevel=4\ -XX:CompileThresholdScaling=1'
add_tree() { # label, launcher, data dir, with the rows that turn this tree's speed-ups off (1/0)
  DATA_DIR="$3" "$2" list --json >/dev/null # creates and migrates the database (and the cache)
  local c
  for c in "--help" "list --json" "status --json"; do
    if [ "$4" = 1 ]; then
      commands+=(--command-name="$1 $c, JIT defaults, no AOT cache"
        "env DATA_DIR=$3 SCOUTBOT_AOT=off $jit_defaults $2 $c")
      commands+=(--command-name="$1 $c, no AOT cache" "env DATA_DIR=$3 SCOUTBOT_AOT=off $2 $c")
    fi
    commands+=(--command-name="$1 $c" "env DATA_DIR=$3 $2 $c")
  done
}
if [ -n "${BASELINE:-}" ]; then
  add_tree "before:" "$(cd "$BASELINE" && pwd)/scoutbot" "$work/data-before" 0
fi
add_tree "scoutbot" "$PWD/scoutbot" "$work/data" 1

hyperfine -N --style none --runs "$RUNS" --warmup "$WARMUP" --export-json "$work/times.json" \
  "${commands[@]}" >&2

yard=$(jq '.results[0].median' "$work/times.json")
echo
echo "$RUNS runs each after $WARMUP warm-up runs (hyperfine), through the launcher; $("$java_bin" -version 2>&1 | head -n 1); load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo
echo "| command | median s | min s | max s | CPU s (user + sys) | × java -version |"
echo "|---|---:|---:|---:|---:|---:|"
jq -r --argjson y "$yard" '.results[] | "| \(.command) | \(.median*100|round/100) | \(.min*100|round/100) | \(.max*100|round/100) | \((.user+.system)*100|round/100) | \(.median/$y*10|round/10) |"' \
  "$work/times.json" | sed 's/^| \([^|]*\) |/| `\1` |/'
