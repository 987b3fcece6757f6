#!/usr/bin/env bash
# Pentaract client throughput, CPU and memory, side by side with curl in one run.
# Both upload to the same loopback discard sink (DiscardSink: reads each multipart body to the end,
# then answers 201 as Pentaract does). ScoutBot goes through the production PentaractTarget
# (PentaractUploadBench: login first, then only the uploads are timed, with the process CPU time);
# peak RSS is of the real CLI (`scoutbot upload`) at -Xmx64m. Medians of ROUNDS interleaved rounds.
#   ROUNDS (default 5), SIZE_MB (default 1024): the size of the upload file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib/java.sh"
find_jdk
cp="$(test_classpath "$root")"
jar="$root/target/scoutbot.jar"
[ -f "$jar" ] || (cd "$root" && ./scoutbot build >/dev/null)
rounds="${ROUNDS:-5}"
size_mb="${SIZE_MB:-1024}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pentaract-bench.XXXXXX")"
sink_pid=""
cleanup() {
  if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

jrun() {
  "$JAVA_BIN" -Xmx64m -cp "$cp" "$@"
}

head -c $((size_mb << 20)) /dev/urandom > "$work/upload.bin"
cat "$work/upload.bin" > /dev/null # page cache, as for curl's yardstick
truncate -s 100M "$work/file-100m.bin"
truncate -s 4G "$work/file-4g.bin"

"$JAVA_BIN" -Xmx64m -cp "$cp" io.scoutbot.storage.pentaract.DiscardSink 0 > "$work/sink.port" &
sink_pid=$!
for _ in $(seq 100); do [ -s "$work/sink.port" ] && break; sleep 0.1; done
port="$(head -n 1 "$work/sink.port")"
api="http://127.0.0.1:$port/api"
url="$api/storages/5f0c7a2e-9a53-4f5b-9d7e-0b6c1d2e3f40/files/upload_to"

# Each prints "wall_seconds cpu_seconds bytes".
curl_n() { # N FILE: N curl processes at once
  local n="$1" file="$2" start end i cpu=0 pids=()
  start="$(date +%s.%N)"
  for i in $(seq "$n"); do
    /usr/bin/time -f "%U %S" -o "$work/curl.$i" \
      curl -sS -o /dev/null -F "file=@$file" -F "path=bench/$i/upload.bin" "$url" &
    pids+=("$!")
  done
  wait "${pids[@]}" # not the sink
  end="$(date +%s.%N)"
  for i in $(seq "$n"); do cpu="$(awk -v c="$cpu" '{print c + $1 + $2}' "$work/curl.$i")"; done
  echo "$(echo "$end - $start" | bc) $cpu $(( n * $(stat -c %s "$file") ))"
}
ours_n() { # N SEGMENT_MB
  jrun io.scoutbot.storage.pentaract.PentaractUploadBench "$api" "$work/upload.bin" "$1" "$2"
}
rss_kb() { # FILE: peak RSS of `scoutbot upload FILE` with the default 40 MiB segments
  rm -rf "$work/data"
  DATA_DIR="$work/data" PENTARACT_ENABLED=true PENTARACT_API_URL="$api" \
    PENTARACT_EMAIL=bench@example.com PENTARACT_PASSWORD=bench LOG_LEVEL=warn \
    /usr/bin/time -f "%M" -o "$work/rss" "$JAVA_BIN" -Xmx64m -jar "$jar" upload "$1" --json \
    > /dev/null
  cat "$work/rss"
}

for r in $(seq "$rounds"); do
  echo "round $r of $rounds" >&2
  curl_n 1 "$work/upload.bin" >> "$work/curl1"
  ours_n 1 40 >> "$work/ours1seg"
  ours_n 1 0 >> "$work/ours1"
  curl_n 4 "$work/upload.bin" >> "$work/curl4"
  ours_n 4 40 >> "$work/ours4seg"
  ours_n 4 0 >> "$work/ours4"
  jrun io.scoutbot.storage.pentaract.PentaractUploadBench transport "$api" "$work/upload.bin" 1 \
    >> "$work/transport1"
  jrun io.scoutbot.storage.pentaract.PentaractUploadBench transport "$api" "$work/upload.bin" 4 \
    >> "$work/transport4"
  jrun io.scoutbot.storage.pentaract.PentaractUploadBench sha256 "$work/upload.bin" >> "$work/sha"
  rss_kb "$work/file-100m.bin" >> "$work/rss100"
  rss_kb "$work/file-4g.bin" >> "$work/rss4g"
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mbps() { awk '{print $3 / $1 / 1e6}' "$work/$1" | median; }
cpu_gib() { awk '{print $2 / ($3 / 1073741824)}' "$work/$1" | median; }

c1="$(mbps curl1)"; c4="$(mbps curl4)"
cc1="$(cpu_gib curl1)"; cc4="$(cpu_gib curl4)"
row() { # LABEL FILE CURL_MBPS CURL_CPU
  local m c
  m="$(mbps "$2")"; c="$(cpu_gib "$2")"
  printf '| %s | %.0f | %.2f | %.2f | %.2f |\n' "$1" "$m" "$(echo "$m / $3" | bc -l)" "$c" \
    "$(echo "$c / $4" | bc -l)"
}
echo
echo "$size_mb MiB file in the page cache, loopback discard sink, medians of $rounds interleaved rounds."
echo
echo "| upload | MB/s | vs curl | CPU s per GiB | vs curl |"
echo "|---|---:|---:|---:|---:|"
row "curl -F, 1 file" curl1 "$c1" "$cc1"
row "ScoutBot, 1 file, 40 MiB segments (default)" ours1seg "$c1" "$cc1"
row "ScoutBot, 1 file, unsegmented" ours1 "$c1" "$cc1"
row "HttpClient 5 transport alone (same client and body, no SHA-256), 1 file" transport1 "$c1" \
  "$cc1"
row "curl -F, 4 files at once (4 processes)" curl4 "$c4" "$cc4"
row "ScoutBot, 4 files at once, 40 MiB segments" ours4seg "$c4" "$cc4"
row "ScoutBot, 4 files at once, unsegmented" ours4 "$c4" "$cc4"
row "HttpClient 5 transport alone, 4 files at once" transport4 "$c4" "$cc4"
printf '| SHA-256 of the file alone (JDK, no network) | %.0f | – | %.2f | – |\n' \
  "$(mbps sha)" "$(cpu_gib sha)"
r100="$(median < "$work/rss100")"; r4g="$(median < "$work/rss4g")"
echo
echo "| \`scoutbot upload\` at -Xmx64m | peak RSS (median) |"
echo "|---|---:|"
printf '| 100 MiB file | %.0f MB |\n' "$(echo "$r100 / 1000" | bc -l)"
printf '| 4 GiB file | %.0f MB (%+.1f %%) |\n' "$(echo "$r4g / 1000" | bc -l)" \
  "$(echo "($r4g - $r100) * 100 / $r100" | bc -l)"
