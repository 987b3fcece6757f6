#!/usr/bin/env bash
# Sending a large file into Telegram: memory, time and CPU of ScoutBot's delivery path against curl,
# both posting sendDocument to the same fake local Bot API server (FakeBotApi from the test tree in
# Mode.LOCAL, run as its own process: it streams each file part to disk through one 1 MiB buffer
# while hashing it). ScoutBot goes through the production FileDelivery over BotApi
# (TelegramSendBench, test tree) in a JVM with -Xmx64m; the yardstick is
# `curl -F document=@FILE -F chat_id=1 {BASE}/bot<TOKEN>/sendDocument`. Wall time, CPU (user + sys)
# and peak RSS from /usr/bin/time -v; ScoutBot's send alone (JVM start-up excluded) from the client.
# Every send is checked: the file the fake stored must have the source's SHA-256.
#   ROUNDS (default 3), SIZE_MB (default 1536), SMALL_MB (default 100): the two file sizes.
# The files are random bytes, not sparse: the fake leaves zero runs as holes, so a sparse file would
# spare the server side most of its disk writes and make the sink, not the sender, look fast.
# The token stays in files in the temp dir: curl reads the URL from a config file and the client
# its settings from the environment, so it is on no command line and in no output.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib/java.sh"
find_jdk
cp="$(test_classpath "$root")"
rounds="${ROUNDS:-3}"
size_mb="${SIZE_MB:-1536}"
small_mb="${SMALL_MB:-100}"
work="$(mktemp -d "${TMPDIR:-/tmp}/telegram-send-bench.XXXXXX")"
fake_pid=""
cleanup() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

head -c $((size_mb << 20)) /dev/urandom > "$work/big.bin"
head -c $((small_mb << 20)) "$work/big.bin" > "$work/small.bin"
sha_big="$(sha256sum < "$work/big.bin" | cut -d' ' -f1)"
sha_small="$(sha256sum < "$work/small.bin" | cut -d' ' -f1)" # both now in the page cache

"$JAVA_BIN" -Xmx256m \
  -cp "$cp" io.scoutbot.testing.telegram.FakeBotApi "$work/fake" local > "$work/fake.env" \
  2> "$work/fake.log" &
fake_pid=$!
for _ in $(seq 300); do [ "$(wc -l < "$work/fake.env")" -ge 3 ] && break; sleep 0.1; done
setting() { sed -n "s/^$1=//p" "$work/fake.env"; }
base="$(setting TELEGRAM_API_BASE_URL)"
token="$(setting BOT_TOKEN)"
[ -n "$base" ] && [ -n "$token" ] \
  || { echo "the fake Bot API did not start:" >&2; cat "$work/fake.log" >&2; exit 1; }
printf 'url = "%s/bot%s/sendDocument"\n' "$base" "$token" > "$work/curl.cfg"

# The numbers of the last /usr/bin/time -v report: "wall_s cpu_s rss_kib".
timed() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
    /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { m = $2 }
    END { printf "%s %s %s\n", w, u + s, m }' "$work/time"
}
# The one file the fake stored must have SHA-256 $1; then it goes, so the disk does not fill up.
check_stored() {
  local stored
  stored=("$work"/fake/uploads/*)
  [ "${#stored[@]}" -eq 1 ] && [ -f "${stored[0]}" ] \
    || { echo "the fake holds ${#stored[@]} files after a send, expected 1" >&2; exit 1; }
  [ "$(sha256sum < "${stored[0]}" | cut -d' ' -f1)" = "$1" ] \
    || { echo "the fake received other bytes than were sent (SHA-256 differs)" >&2; exit 1; }
  rm -f "${stored[0]}"
  echo ok >> "$work/verified"
}
# Each appends "wall_s cpu_s rss_kib send_s bytes" to $work/$3.
curl_send() { # FILE SHA OUT
  /usr/bin/time -v -o "$work/time" curl -sS -o "$work/answer" -K "$work/curl.cfg" \
    -F "document=@$1" -F chat_id=1
  grep -q '"ok":true' "$work/answer" || { echo "curl's send was refused" >&2; exit 1; }
  check_stored "$2"
  read -r wall cpu rss < <(timed)
  echo "$wall $cpu $rss $wall $(stat -c %s "$1")" >> "$work/$3"
}
ours_send() { # FILE SHA OUT
  # its stderr is shown only if it fails (ScoutBot's messages carry no token: Redactor)
  BOT_TOKEN="$token" TELEGRAM_API_BASE_URL="$base" TELEGRAM_LOCAL_API=true \
    /usr/bin/time -v -o "$work/time" "$JAVA_BIN" -Xmx64m \
    -cp "$cp" io.scoutbot.telegram.TelegramSendBench "$1" > "$work/ours.out" 2> "$work/ours.log" \
    || { echo "ScoutBot's send failed:" >&2; cat "$work/ours.log" >&2; exit 1; }
  check_stored "$2"
  read -r send _ bytes < <(tail -n 1 "$work/ours.out")
  read -r wall cpu rss < <(timed)
  echo "$wall $cpu $rss $send $bytes" >> "$work/$3"
  awk '{print $2}' "$work/ours.out" >> "$work/$3.sendcpu"
}

for r in $(seq "$rounds"); do
  echo "round $r of $rounds" >&2
  curl_send "$work/big.bin" "$sha_big" curl_big
  ours_send "$work/big.bin" "$sha_big" ours_big
  curl_send "$work/small.bin" "$sha_small" curl_small
  ours_send "$work/small.bin" "$sha_small" ours_small
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
col() { awk -v c="$2" '{print $c}' "$work/$1" | median; } # FILE COLUMN
mbps() { awk '{print $5 / $4 / 1e6}' "$work/$1" | median; }
row() { # LABEL FILE SIZE_LABEL CURL_FILE
  local m c cm cc send_cpu="–"
  m="$(mbps "$2")"; cm="$(mbps "$4")"; c="$(col "$2" 2)"; cc="$(col "$4" 2)"
  [ -f "$work/$2.sendcpu" ] && send_cpu="$(printf '%.2f' "$(median < "$work/$2.sendcpu")")"
  printf '| %s | %s | %.2f | %.0f | %.2f | %.2f | %.2f | %s | %.0f |\n' "$1" "$3" "$(col "$2" 4)" \
    "$m" "$(echo "$m / $cm" | bc -l)" "$(col "$2" 1)" "$c" "$send_cpu" \
    "$(echo "$(col "$2" 3) / 1024" | bc -l)"
}
echo
echo "Random bytes in the page cache, fake local Bot API server on loopback (stores each file to"
echo "disk while hashing it), medians of $rounds interleaved rounds; $(wc -l < "$work/verified")" \
  "sends, every one received with the sender's SHA-256."
echo
echo "| sender | file | send s | MB/s | vs curl | process wall s | process CPU s (user + sys) | send CPU s | peak RSS MiB |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
row "curl -F (yardstick)" curl_big "$size_mb MiB" curl_big
row "ScoutBot FileDelivery, -Xmx64m" ours_big "$size_mb MiB" curl_big
row "curl -F (yardstick)" curl_small "$small_mb MiB" curl_small
row "ScoutBot FileDelivery, -Xmx64m" ours_small "$small_mb MiB" curl_small
rs="$(col ours_small 3)"; rb="$(col ours_big 3)"
echo
echo "| ScoutBot at -Xmx64m | peak RSS (median) |"
echo "|---|---:|"
printf '| %s MiB file | %.0f MiB |\n' "$small_mb" "$(echo "$rs / 1024" | bc -l)"
printf '| %s MiB file | %.0f MiB (%+.1f %%) |\n' "$size_mb" "$(echo "$rb / 1024" | bc -l)" \
  "$(echo "($rb - $rs) * 100 / $rs" | bc -l)"
echo
echo "Per round, send s / peak RSS MiB:"
for f in curl_big ours_big curl_small ours_small; do
  case "$f" in
    curl_big) label="curl, $size_mb MiB" ;; ours_big) label="ScoutBot, $size_mb MiB" ;;
    curl_small) label="curl, $small_mb MiB" ;; ours_small) label="ScoutBot, $small_mb MiB" ;;
  esac
  echo "- $label: $(awk '{printf "%s%.2f / %.0f", (NR > 1 ? ", " : ""), $4, $3 / 1024}' "$work/$f")"
done
