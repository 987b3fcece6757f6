#!/usr/bin/env bash
# Cost of the HTTP server and metrics on an idle `./scoutbot serve`: the same service with
# HTTP_ADDR=off (the yardstick), with the server on and nobody asking, and with the server on and
# watched (an open status page polling /api/status every 3 s and /api/history every 10 s, and a
# Prometheus scrape of /metrics every 15 s). Rounds interleaved. Reports the process's CPU time as a
# share of one core (utime+stime from /proc/PID/stat), its RSS at the end of the round (VmRSS) and
# its peak (VmHWM), and its thread count. The pollers' own CPU (curl) is not counted.
# Settings: ROUNDS (2), DURATION (120 s per run), WARMUP (15 s).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-120}
WARMUP=${WARMUP:-15}
HZ=$(getconf CLK_TCK)
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/scoutbot-bench.XXXXXX")
pid=""
pollers=()
stop_pollers() {
  for p in "${pollers[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pollers[@]}"; do wait "$p" 2>/dev/null || true; done
  pollers=()
}
cleanup() { stop_pollers; [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
command -v curl >/dev/null || { echo "curl is needed to watch the server" >&2; exit 2; }

ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# every N seconds, GET a path until killed
poll() { # url seconds
  while true; do curl -s -o /dev/null --max-time 5 "$1" || true; sleep "$2"; done
}

declare -A CPU RSS HWM THREADS
run() { # off | idle | watched
  rm -rf "$work/data"
  local addr=127.0.0.1:0
  [ "$1" = off ] && addr=off
  HTTP_ADDR=$addr DATA_DIR="$work/data" LOG_LEVEL=info ./scoutbot serve > "$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do grep -q "ScoutBot is running" "$work/log" && break; sleep 0.1; done
  grep -q "ScoutBot is running" "$work/log" || { cat "$work/log" >&2; exit 1; }
  local url=""
  if [ "$1" != off ]; then
    url=$(grep -o 'Status page on http://[^ ]*/' "$work/log" | head -n 1 | sed 's/^Status page on //')
    if [ -z "$url" ] || ! curl -sf -o /dev/null --max-time 5 "${url}health"; then
      echo "HTTP_ADDR=$addr: no status page in the log, or /health does not answer;" \
        "is the web server wired into serve?" >&2
      cat "$work/log" >&2
      exit 1
    fi
  fi
  if [ "$1" = watched ]; then
    poll "${url}api/status" 3 & pollers+=($!)
    poll "${url}api/history" 10 & pollers+=($!)
    poll "${url}metrics" 15 & pollers+=($!)
  fi
  sleep "$WARMUP"
  local t0 t1
  t0=$(ticks "$pid")
  sleep "$DURATION"
  t1=$(ticks "$pid")
  RSS[$1]+="$(status_kb "$pid" VmRSS) "
  HWM[$1]+="$(status_kb "$pid" VmHWM) "
  THREADS[$1]+="$(status_kb "$pid" Threads) "
  stop_pollers
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  CPU[$1]+="$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v s="$DURATION" 'BEGIN {print (b-a)/hz/s*100}') "
}

variants=(off idle watched)
for r in $(seq 1 "$ROUNDS"); do
  # rotate the order so that no variant always runs first on a cold machine
  for i in 0 1 2; do run "${variants[$(( (i + r - 1) % 3 ))]}"; done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k/1024}'; }
echo
echo "Idle \`serve\`, ${DURATION} s per run after ${WARMUP} s warm-up, $ROUNDS rounds interleaved (medians; CPU as % of one core, clock ticks of 1/$HZ s; RSS at the end of the run, peak RSS over the whole run)"
echo
echo "| run | process CPU % | RSS MiB | peak RSS MiB | threads |"
echo "|---|---:|---:|---:|---:|"
declare -A labels
labels[off]="HTTP_ADDR=off (yardstick)"
labels[idle]="HTTP server on, nobody asking"
labels[watched]="on, status page open + Prometheus every 15 s"
for v in "${variants[@]}"; do
  printf "| %s | %.3f | %s | %s | %s |\n" "${labels[$v]}" "$(echo "${CPU[$v]}" | median)" \
    "$(mib "$(echo "${RSS[$v]}" | median)")" "$(mib "$(echo "${HWM[$v]}" | median)")" \
    "$(echo "${THREADS[$v]}" | median)"
done
off=$(echo "${CPU[off]}" | median)
printf "\nCPU over the yardstick: idle %.3f, watched %.3f percentage points of one core\n" \
  "$(awk -v a="$(echo "${CPU[idle]}" | median)" -v b="$off" 'BEGIN {print a-b}')" \
  "$(awk -v a="$(echo "${CPU[watched]}" | median)" -v b="$off" 'BEGIN {print a-b}')"
echo
for v in "${variants[@]}"; do
  echo "Per run, $v: CPU % ${CPU[$v]}; RSS kB ${RSS[$v]}; peak kB ${HWM[$v]}"
done
