#!/usr/bin/env bash
# CPU cost of resource monitoring: an idle `./scoutbot serve` for a minute with monitoring on (the
# default: a sample every RESOURCE_SAMPLE_SECONDS=2) against the same service with
# RESOURCE_MONITORING_ENABLED=false (the yardstick), rounds interleaved. Reports the process's CPU
# time as a share of one core (utime+stime from /proc/PID/stat), and the sampler thread's own share
# (/proc/PID/task/TID/stat of `scoutbot-resource-monitor`). Target: < 0.5 % of one core.
# Settings: ROUNDS (3), DURATION (60 s), WARMUP (10 s).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-10}
HZ=$(getconf CLK_TCK)
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/scoutbot-bench.XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

ticks() { # utime+stime of a /proc stat file (fields after the parenthesised name)
  sed 's/^.*) //' "$1" 2>/dev/null | awk '{print $12 + $13}'
}
sampler_stat() { # the stat file of the monitor thread (its name is cut to 15 characters)
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = "scoutbot-resour" ] && { echo "$t/stat"; return; }
  done
  return 0
}

declare -A PROC SAMPLER
run() { # enabled: true|false
  rm -rf "$work/data"
  RESOURCE_MONITORING_ENABLED=$1 DATA_DIR="$work/data" HTTP_ADDR=127.0.0.1:0 LOG_LEVEL=info \
    ./scoutbot serve > "$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do grep -q "ScoutBot is running" "$work/log" && break; sleep 0.1; done
  grep -q "ScoutBot is running" "$work/log" || { cat "$work/log" >&2; exit 1; }
  sleep "$WARMUP"
  local p0 p1 s0=0 s1=0 st
  st=$(sampler_stat "$pid")
  p0=$(ticks "/proc/$pid/stat"); [ -n "$st" ] && s0=$(ticks "$st")
  sleep "$DURATION"
  p1=$(ticks "/proc/$pid/stat"); [ -n "$st" ] && s1=$(ticks "$st")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  PROC[$1]+="$(awk -v a="$p0" -v b="$p1" -v hz="$HZ" -v s="$DURATION" 'BEGIN {print (b-a)/hz/s*100}') "
  SAMPLER[$1]+="$(awk -v a="$s0" -v b="$s1" -v hz="$HZ" -v s="$DURATION" 'BEGIN {print (b-a)/hz/s*100}') "
}

for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then run true; run false; else run false; run true; fi
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
on=$(echo "${PROC[true]}" | median); off=$(echo "${PROC[false]}" | median)
thread=$(echo "${SAMPLER[true]}" | median)
echo
echo "Idle \`serve\`, ${DURATION} s per round after ${WARMUP} s warm-up, $ROUNDS rounds interleaved (medians; CPU as % of one core, clock ticks of 1/$HZ s)"
echo
echo "| run | process CPU % | sampler thread CPU % |"
echo "|---|---|---|"
printf "| monitoring disabled (yardstick) | %.3f | – |\n" "$off"
printf "| monitoring enabled, sample every 2 s | %.3f | %.3f |\n" "$on" "$thread"
printf "| difference | %.3f | |\n" "$(awk -v a="$on" -v b="$off" 'BEGIN {print a-b}')"
echo
echo "Per round, process CPU %: enabled ${PROC[true]}; disabled ${PROC[false]}; sampler thread ${SAMPLER[true]}"
