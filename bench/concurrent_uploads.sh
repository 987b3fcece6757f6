#!/usr/bin/env bash
# 16 concurrent uploads of 1 GiB sparse files through the file desk into the local store, in a JVM
# with -Xmx96m: peak RSS (from /usr/bin/time -v), wall time, and the memory budget's peak against
# its capacity. Two chunk sizes: the default 1 MiB (16 buffers fit the budget) and 8 MiB (16 x 8 MiB
# = 128 MiB would not even fit the heap: the budget must shrink or queue the buffers).
# Yardsticks in the same run: `cp` of the same files (then `sync`, as the store fsyncs), and the same
# JVM uploading nothing (its idle RSS). Rounds are interleaved; the table shows medians.
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
# compiled once: the single-file source launcher would run javac inside the measured JVM
"$(dirname "$JAVA")/javac" -d "$work/classes" -cp target/scoutbot.jar bench/ConcurrentUploads.java
RUN=("$JAVA" $JVM_DEFAULTS -Xmx$HEAP --enable-native-access=ALL-UNNAMED -cp "target/scoutbot.jar:$work/classes" ConcurrentUploads)
files=()
for i in $(seq 1 "$N"); do
  truncate -s "${SIZE_MIB}M" "$work/src/f$i.bin"
  files+=("$work/src/f$i.bin")
done
total_mib=$((N * SIZE_MIB))

# runs "$@" under /usr/bin/time -v; prints "<wall s> <max RSS KiB>"; stdout of the command to $work/out
timed() {
  /usr/bin/time -v -o "$work/time" "$@" > "$work/out"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  echo "$wall $rss"
}

declare -A WALL RSS PEAK CAP HEAPC GCC
for r in $(seq 1 "$ROUNDS"); do
  # yardstick: cp writing every byte (the sources are sparse), then sync (the store fsyncs every file)
  mkdir -p "$work/cp"
  read -r w m < <(timed bash -c 'for f in "$@"; do cp --sparse=never "$f" "'"$work"'/cp/" & done; wait; sync' _ "${files[@]}")
  WALL[cp]+="$w "; RSS[cp]+="$m "
  rm -rf "$work/cp"
  # yardstick: the same JVM, nothing to upload
  rm -rf "$work/data"; mkdir -p "$work/data"
  read -r w m < <(timed "${RUN[@]}" "$work/data" 1048576)
  WALL[idle]+="$w "; RSS[idle]+="$m "
  for chunk in 1048576 8388608; do
    rm -rf "$work/data"; mkdir -p "$work/data"
    read -r w m < <(timed "${RUN[@]}" "$work/data" "$chunk" "${files[@]}")
    read -r _ _ secs cap peak heapc gcr gcc < "$work/out"
    WALL[$chunk]+="$secs "; RSS[$chunk]+="$m "; PEAK[$chunk]+="$peak "; CAP[$chunk]=$cap; HEAPC[$chunk]+="$heapc "; GCC[$chunk]+="$gcc/$gcr "
    rm -rf "$work/data"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k/1024}'; }
cpwall=$(echo "${WALL[cp]}" | median)
echo
echo "$N concurrent uploads of $SIZE_MIB MiB sparse files, -Xmx$HEAP, $ROUNDS rounds (medians)"
echo
echo "| run | upload s | MiB/s | time vs cp | peak RSS MiB | budget peak / capacity MiB | max heap committed MiB | GC collections/requests |"
echo "|---|---|---|---|---|---|---|---|"
row() { # name key
  local w r
  w=$(echo "${WALL[$2]}" | median); r=$(echo "${RSS[$2]}" | median)
  printf "| %s | %.2f | %.0f | %s | %s | %s | %s | %s |\n" "$1" "$w" "$(awk -v t="$total_mib" -v w="$w" 'BEGIN {print (w>0? t/w : 0)}')" \
    "$(awk -v a="$w" -v b="$cpwall" 'BEGIN {if (b>0) printf "%.2f×", a/b; else print "–"}')" "$(mib "$r")" "$3" "$4" "$5"
}
row "cp × $N + sync (yardstick)" cp "–" "–" "–"
printf "| JVM idle, nothing uploaded (yardstick) | – | – | – | %s | – | – | – |\n" "$(mib "$(echo "${RSS[idle]}" | median)")"
for chunk in 1048576 8388608; do
  peak=$(echo "${PEAK[$chunk]}" | median); heapc=$(echo "${HEAPC[$chunk]}" | median)
  row "scoutbot, chunk $((chunk / 1048576)) MiB" "$chunk" \
    "$(awk -v p="$peak" -v c="${CAP[$chunk]}" 'BEGIN {printf "%.1f / %.1f", p/1048576, c/1048576}')" \
    "$(awk -v h="$heapc" 'BEGIN {printf "%.0f", h/1048576}')" "$(echo "${GCC[$chunk]}" | tr ' ' '\n' | grep -v '^$' | tail -1)"
done
echo
echo "upload s: from the first upload's start to the last one's end, inside the JVM (cp: wall time"
echo "of cp and sync). Budget peaks per round (bytes): chunk 1 MiB: ${PEAK[1048576]}; chunk 8 MiB:"
echo "${PEAK[8388608]}."
