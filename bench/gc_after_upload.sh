#!/usr/bin/env bash
# Does GC after upload give memory back to the OS? A JVM fills its heap with a burst of short-lived
# 1 MiB upload buffers, drops them, and then either asks the real GC-after-upload policy for a
# collection or does nothing (the yardstick); heap committed and RSS are read after the burst and
# one second later. Each with the JVM's own heap flags and with the launcher's
# SCOUTBOT_JVM_DEFAULTS, for the two collectors the JVM picks by itself: Serial on a small host
# (1 CPU or < 1792 MB; here as a 1 GiB host sizes it: -Xms16m -Xmx256m) and G1 elsewhere (-Xmx512m).
# Settings: ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
source bench/lib/java.sh
find_jdk
JAVA="$JAVA_BIN"
LAUNCHER=$(sed -n 's/^SCOUTBOT_JVM_DEFAULTS="\${SCOUTBOT_JVM_DEFAULTS-\(.*\)}"$/\1/p' scoutbot)
work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/scoutbot-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$(dirname "$JAVA")/javac" -d "$work/classes" -cp target/scoutbot.jar bench/GcShrink.java

declare -A R
cases=()
for gc in serial g1; do
  for flags in jvm launcher; do
    for policy in none gc; do cases+=("$gc $flags $policy"); done
  done
done
for r in $(seq 1 "$ROUNDS"); do
  for c in "${cases[@]}"; do
    read -r gc flags policy <<< "$c"
    if [ "$gc" = serial ]; then heap=(-XX:+UseSerialGC -Xms16m -Xmx256m); burst=200
    else heap=(-XX:+UseG1GC -Xmx512m); burst=400; fi
    extra=()
    [ "$flags" = launcher ] && read -r -a extra <<< "$LAUNCHER"
    R[$c]+="$("$JAVA" "${heap[@]}" "${extra[@]}" -cp "target/scoutbot.jar:$work/classes" GcShrink "$burst" "$policy" | tr '\t' ',') "
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { echo "$1" | tr ' ' '\n' | grep -v '^$' | cut -d, -f"$2" | tr '\n' ' ' | median; }
echo
echo "Burst of short-lived 1 MiB buffers (200 MiB Serial, 400 MiB G1), $ROUNDS rounds (medians, MiB)"
echo "Launcher flags: \`$LAUNCHER\`"
echo
echo "| collector | heap flags | after the burst | heap committed after burst → 1 s later | RSS after burst → 1 s later |"
echo "|---|---|---|---|---|"
for c in "${cases[@]}"; do
  read -r gc flags policy <<< "$c"
  v="${R[$c]}"
  printf "| %s | %s | %s | %s → %s | %s → %s |\n" "$([ "$gc" = serial ] && echo "Serial (small host)" || echo G1)" \
    "$([ "$flags" = launcher ] && echo "launcher defaults" || echo "JVM defaults")" \
    "$([ "$policy" = gc ] && echo "GC after upload" || echo "nothing (yardstick)")" \
    "$(col "$v" 1)" "$(col "$v" 3)" "$(col "$v" 2)" "$(col "$v" 4)"
done
