#!/usr/bin/env bash
# 16 concurrent uploads of 1 GiB sparse files through the real CLI (`scoutbot upload` runs them as
# 16 queue jobs at once) into the local store, in a JVM with -Xmx96m: peak RSS (from
# /usr/bin/time -v), wall time, and the memory budget's peak against its capacity (logged by the
# application at exit). Two chunk sizes: the default 1 MiB (16 buffers fit the budget) and 8 MiB
# (16 x 8 MiB = 128 MiB would not even fit the heap: the budget must shrink or queue the buffers).
# Thresholds are set to 100 % so this measures memory, not throttling on a noisy machine.
# Yardsticks in the same run: `cp` of the same files (then `sync`, as the store fsyncs), and the same
# JVM doing `list` (its idle RSS). Rounds are interleaved; the table shows medians.
# Settings: N (16), SIZE_MIB (1024), ROUNDS (3), HEAP (96m), BENCH_DIR (a temp dir; needs N x SIZE
# free space twice over).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-16}
SIZE_MIB=${SIZE_MIB:-1024}
ROUNDS=${ROUNDS:-3}
HEAP=${HEAP:-96m}
source bench/lib/java.sh
find_jdk
JAVA="$JAVA_BIN"
# the launcher's heap flags, so the JVM behaves as `./scoutbot` runs it
JVM_DEFAULTS=$(sed -n 's/^SCOUTBOT_JVM_DEFAULTS="\${SCOUTBOT_JVM_DEFAULTS-\(.*\)}"$/\1/p' scoutbot)
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/scoutbot-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
[ -f target/scoutbot.jar ] || ./scoutbot build >/dev/null
cli() { # CHUNK: sets CLI to the command line of the CLI with the benchmark's settings
  CLI=(env DATA_DIR="$work/data" LOG_LEVEL=debug PENTARACT_MAX_CONCURRENT_UPLOADS="$N"
    QUEUE_MAX_RUNNING_PER_USER="$N" RESOURCE_CPU_THRESHOLD=100 RESOURCE_MEMORY_THRESHOLD=100
    RESOURCE_DISK_THRESHOLD=100 RESOURCE_STREAMING_CHUNK_SIZE="$1"
    "$JAVA" $JVM_DEFAULTS -Xmx$HEAP -jar target/scoutbot.jar)
}
files=()
for i in $(seq 1 "$N"); do
  truncate -s "${SIZE_MIB}M" "$work/src/f$i.bin"
  files+=("$work/src/f$i.bin")
done
total_mib=$((N * SIZE_MIB))

# runs "$@" under /usr/bin/time -v; prints "<wall s> <max RSS KiB>"; its stdout to $work/out,
# its stderr (the debug log) to $work/err
timed() {
  /usr/bin/time -v -o "$work/time" "$@" > "$work/out" 2> "$work/err"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  echo "$wall $rss"
}

declare -A WALL RSS PEAK CAP
for r in $(seq 1 "$ROUNDS"); do
  # yardstick: cp writing every byte (the sources are sparse), then sync (the store fsyncs every file)
  mkdir -p "$work/cp"
  read -r w m < <(timed bash -c 'for f in "$@"; do cp --sparse=never "$f" "'"$work"'/cp/" & done; wait; sync' _ "${files[@]}")
  WALL[cp]+="$w "; RSS[cp]+="$m "
  rm -rf "$work/cp"
  # yardstick: the same JVM, nothing to upload
  rm -rf "$work/data"; mkdir -p "$work/data"
  cli 1048576
  read -r w m < <(timed "${CLI[@]}" list)
  WALL[idle]+="$w "; RSS[idle]+="$m "
  for chunk in 1048576 8388608; do
    rm -rf "$work/data"; mkdir -p "$work/data"
    cli "$chunk"
    read -r w m < <(timed "${CLI[@]}" upload "${files[@]}" --json)
    [ "$(jq -r '.failed' "$work/out")" = 0 ] || { echo "uploads failed:" >&2; cat "$work/out" "$work/err" >&2; exit 1; }
    read -r peak cap < <(sed -n 's/.*Memory budget: peak \([0-9]*\) of \([0-9]*\) bytes.*/\1 \2/p' "$work/err")
    [ "$peak" -le "$cap" ] || { echo "budget exceeded: $peak > $cap" >&2; exit 1; }
    WALL[$chunk]+="$w "; RSS[$chunk]+="$m "; PEAK[$chunk]+="$peak "; CAP[$chunk]=$cap
    rm -rf "$work/data"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k/1024}'; }
cpwall=$(echo "${WALL[cp]}" | median)
echo
echo "$N concurrent uploads of $SIZE_MIB MiB sparse files, -Xmx$HEAP, $ROUNDS rounds (medians)"
echo
echo "| run | wall s | MiB/s | time vs cp | peak RSS MiB | budget peak / capacity MiB |"
echo "|---|---|---|---|---|---|"
row() { # name key budget
  local w r
  w=$(echo "${WALL[$2]}" | median); r=$(echo "${RSS[$2]}" | median)
  printf "| %s | %.2f | %.0f | %s | %s | %s |\n" "$1" "$w" "$(awk -v t="$total_mib" -v w="$w" 'BEGIN {print (w>0? t/w : 0)}')" \
    "$(awk -v a="$w" -v b="$cpwall" 'BEGIN {if (b>0) printf "%.2f×", a/b; else print "–"}')" "$(mib "$r")" "$3"
}
row "cp × $N + sync (yardstick)" cp "–"
printf "| JVM doing \`list\`, nothing uploaded (yardstick) | – | – | – | %s | – |\n" "$(mib "$(echo "${RSS[idle]}" | median)")"
for chunk in 1048576 8388608; do
  peak=$(echo "${PEAK[$chunk]}" | median)
  row "scoutbot upload, chunk $((chunk / 1048576)) MiB" "$chunk" \
    "$(awk -v p="$peak" -v c="${CAP[$chunk]}" 'BEGIN {printf "%.1f / %.1f", p/1048576, c/1048576}')"
done
echo
echo "wall s: the whole \`scoutbot upload\` process, JVM start included (cp: cp and sync). Budget"
echo "peaks per round (bytes): chunk 1 MiB: ${PEAK[1048576]}; chunk 8 MiB: ${PEAK[8388608]}."
