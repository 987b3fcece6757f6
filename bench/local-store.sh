#!/usr/bin/env bash
# Local store round trip under a tiny heap: uploads and downloads a 100 MiB and a 4 GiB sparse file
# with the JVM capped at -Xmx64m, verifies the SHA-256, and records time and peak RSS. Yardstick in
# the same run: coreutils `cp` + `sha256sum` of the same file (what a shell user would do).
# Usage: bench/local-store.sh [rounds]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
source bench/lib/java.sh
find_jdk
java_bin="$JAVA_BIN"
jar="$PWD/target/scoutbot.jar"
work="$(mktemp -d "${TMPDIR:-/tmp}/scoutbot-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export LOG_LEVEL=warn DATA_DIR="$work/data"

# seconds and peak RSS (MiB) of a command, from GNU time
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" || {
    echo "command failed: $*" >&2; cat "$work/err.txt" >&2; exit 1; }
  awk '{printf "%s %.0f\n", $1, $2/1024}' "$work/time.txt"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '| file | step | median s | MB/s | peak RSS MiB | yardstick (cp + sha256sum) s | ratio |\n'
printf '|---|---|---:|---:|---:|---:|---:|\n'
for size_mib in 100 4096; do
  src="$work/src-$size_mib.bin"
  truncate -s "${size_mib}M" "$src"
  want="$(sha256sum "$src" | cut -d' ' -f1)"
  : >"$work/up.s"; : >"$work/up.rss"; : >"$work/down.s"; : >"$work/down.rss"; : >"$work/cp.s"
  for r in $(seq 1 "$rounds"); do
    read -r s rss < <(measure "$java_bin" -Xmx64m -jar "$jar" upload "$src" --json)
    echo "$s" >>"$work/up.s"; echo "$rss" >>"$work/up.rss"
    code="$(jq -r '.files[0].code' "$work/out.txt")"
    got="$(jq -r '.files[0].sha256' "$work/out.txt")"
    [ "$got" = "$want" ] || { echo "upload sha256 mismatch: $got != $want" >&2; exit 1; }
    read -r s rss < <(measure "$java_bin" -Xmx64m -jar "$jar" download "$code" -o "$work/copy.bin")
    echo "$s" >>"$work/down.s"; echo "$rss" >>"$work/down.rss"
    [ "$(sha256sum "$work/copy.bin" | cut -d' ' -f1)" = "$want" ] || { echo "download mismatch" >&2; exit 1; }
    rm -f "$work/copy.bin"
    "$java_bin" -jar "$jar" delete "$code" >/dev/null 2>&1
    read -r s _ < <(measure bash -c "cp '$src' '$work/cp.bin' && sync '$work/cp.bin' && sha256sum '$work/cp.bin' >/dev/null")
    echo "$s" >>"$work/cp.s"
    rm -f "$work/cp.bin"
  done
  cp_s="$(median <"$work/cp.s")"
  for step in up down; do
    s="$(median <"$work/$step.s")"
    rss="$(sort -n "$work/$step.rss" | tail -n 1)"
    mbs="$(awk -v m="$size_mib" -v s="$s" 'BEGIN {printf "%.0f", m*1.048576/s}')"
    ratio="$(awk -v a="$s" -v b="$cp_s" 'BEGIN {printf "%.2f", b/a}')"
    label="$([ "$step" = up ] && echo "upload" || echo "download + verify")"
    printf '| %s MiB | %s | %s | %s | %s | %s | %s× |\n' "$size_mib" "$label" "$s" "$mbs" "$rss" "$cp_s" "$ratio"
  done
  rm -f "$src"
done
echo
echo "Heap -Xmx64m; $rounds rounds; peak RSS is the maximum over rounds; ratio = yardstick time / our time (higher is better)."
