#!/usr/bin/env bash
# Reaction time of the throttle: from memory pressure appearing to the gate closing, and from it
# going to the gate opening, with the real probe and the default sample interval (2 s) as the
# yardstick (target: closing within 2 intervals). Pressure is real: the helper allocates and
# touches off-heap ballast. As root on a cgroup v1 host the helper runs in a child memory cgroup
# limited to 1 GiB (ballast 512 MiB), so other processes cannot disturb it; elsewhere it measures
# against host memory (ballast 2 GiB) and skips rounds the machine's own load throttled.
# Settings: ROUNDS (7).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-7}
source bench/lib/java.sh
find_jdk
JAVA="$JAVA_BIN"
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/scoutbot-bench.XXXXXX")
cg=""
cleanup() { [ -n "$cg" ] && rmdir "$cg" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$(dirname "$JAVA")/javac" -d "$work/classes" -cp target/scoutbot.jar bench/ReactionTime.java
cmd=("$JAVA" -Xmx64m -cp "target/scoutbot.jar:$work/classes" ReactionTime "$ROUNDS")

mem_cgroup=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
if [ "$(id -u)" = 0 ] && [ -n "$mem_cgroup" ] && [ -w "/sys/fs/cgroup/memory$mem_cgroup" ]; then
  mode="cgroup v1, 1 GiB limit"
  cg="/sys/fs/cgroup/memory$mem_cgroup/scoutbot-bench-$$"
  mkdir "$cg"
  echo $((1024 * 1024 * 1024)) > "$cg/memory.limit_in_bytes"
  (echo "$BASHPID" > "$cg/cgroup.procs"; exec "${cmd[@]}" 512) > "$work/out" 2> "$work/err"
else
  mode="host memory"
  "${cmd[@]}" 2048 > "$work/out" 2> "$work/err"
fi
grep -v '^interval' "$work/out" > "$work/rounds" || true
interval=$(awk '/^interval/ {print $2}' "$work/out")

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
close_med=$(cut -f1 "$work/rounds" | median); close_max=$(cut -f1 "$work/rounds" | sort -g | tail -1)
open_med=$(cut -f2 "$work/rounds" | median); open_max=$(cut -f2 "$work/rounds" | sort -g | tail -1)
n=$(wc -l < "$work/rounds")
echo
echo "Pressure: $mode ($(head -1 "$work/err")); $n rounds at random phases"
echo
echo "| transition | median s | max s | median / interval | max / interval |"
echo "|---|---|---|---|---|"
printf "| sample interval (yardstick) | %s | %s | 1.00 | 1.00 |\n" "$interval" "$interval"
printf "| pressure appears → gate closes | %.2f | %.2f | %.2f | %.2f |\n" "$close_med" "$close_max" \
  "$(awk -v a="$close_med" -v b="$interval" 'BEGIN {print a/b}')" "$(awk -v a="$close_max" -v b="$interval" 'BEGIN {print a/b}')"
printf "| pressure goes → gate opens | %.2f | %.2f | %.2f | %.2f |\n" "$open_med" "$open_max" \
  "$(awk -v a="$open_med" -v b="$interval" 'BEGIN {print a/b}')" "$(awk -v a="$open_max" -v b="$interval" 'BEGIN {print a/b}')"
echo
echo "Rounds (close s, open s): $(tr '\t\n' ', ' < "$work/rounds" | sed 's/, $//')"
grep -E 'skipped|did not' "$work/err" | sed 's/^/note: /' || true
