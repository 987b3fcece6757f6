#!/usr/bin/env bash
# Fetching a URL into the store against curl + upload, in one run. One local HTTP server on loopback
# (`python3 -m http.server`, which streams the file in 64 KiB reads) serves a file of random bytes to
# both sides; each side starts on a fresh DATA_DIR with the embedded defaults (SQLite + local store):
#   ScoutBot:  ./scoutbot fetch URL --json
#   yardstick: curl -sS -o FILE URL, then ./scoutbot upload FILE --json
# Each command runs under /usr/bin/time -v: wall time, user + system CPU (the yardstick's are the sum
# of curl's and upload's), peak RSS (the yardstick's is the larger of the two). The SHA-256 the store
# reports and the stored file's own are checked against the source's. The storing phase's time comes
# from the job runner's log line ("Upload completed ... in N ms"), so the table can split ScoutBot's
# wall time into fetching and storing; the server's CPU while each command runs comes from /proc.
# Rounds are interleaved, alternating which side goes first.
# The source is random bytes written once (not sparse): a sparse file would be read from no disk
# blocks at all, flattering the server, which shares the two cores with both sides; random bytes
# leave no layer anything to compress. It is read once before the rounds, so both sides fetch it from
# the page cache. Governor thresholds are 100 % (this measures the transfer, not throttling on a
# busy machine) and DOWNLOAD_MAX_MB is raised above the file's size (its default, 500, is below it).
# Settings: ROUNDS (default 5), SIZE_MB (default 1024, MiB), BENCH_DIR (where the temp dir goes;
# needs about 3 x SIZE_MB free).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-5}"
size_mb="${SIZE_MB:-1024}"
source bench/lib/java.sh
find_jdk
[ -f target/scoutbot.jar ] || ./scoutbot build >/dev/null
work="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/fetch-bench.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export LOG_LEVEL=info RESOURCE_CPU_THRESHOLD=100 RESOURCE_MEMORY_THRESHOLD=100 \
  RESOURCE_DISK_THRESHOLD=100 DOWNLOAD_MAX_MB=$((size_mb * 2))
load_before="$(uptime | sed 's/.*load average: //')"

mkdir -p "$work/srv" "$work/dl"
src="$work/srv/big.bin"
head -c $((size_mb << 20)) /dev/urandom > "$src"
# a fixed text start, so no random prefix can look like an executable (MZ, #!, ELF) or an archive
# to the file policy's content sniff and refuse the file on both sides
printf 'scoutbot fetch benchmark\n' | dd of="$src" conv=notrunc status=none
want="$(sha256sum "$src" | cut -d' ' -f1)"
cat "$src" > /dev/null

(cd "$work/srv" && exec python3 -u -m http.server --bind 127.0.0.1 0) > "$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$work/server.log")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the HTTP server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
url="http://127.0.0.1:$port/big.bin"

# CPU seconds (user + system, all threads) the HTTP server has used so far
ticks="$(getconf CLK_TCK)"
server_cpu() { awk -v t="$ticks" '{printf "%.2f\n", ($14 + $15) / t}' "/proc/$server_pid/stat"; }

# timed NAME CMD...: runs CMD under /usr/bin/time -v (stdout to $work/NAME.out, stderr to
# $work/NAME.err) and appends "wall_s cpu_s rss_kib server_cpu_s" to $work/NAME.t
timed() {
  local name="$1" before
  shift
  before="$(server_cpu)"
  /usr/bin/time -v -o "$work/time" "$@" > "$work/$name.out" 2> "$work/$name.err" || {
    echo "command failed: $*" >&2; tail -n 20 "$work/$name.err" >&2; exit 1; }
  awk -F': ' -v srv="$(server_cpu)" -v before="$before" '
    /Elapsed \(wall clock\)/ {n = split($2, a, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + a[i]}
    /User time/ {u = $2} /System time/ {s = $2} /Maximum resident set size/ {m = $2}
    END {printf "%.2f %.2f %d %.2f\n", w, u + s, m, srv - before}' "$work/time" >> "$work/$name.t"
}

# stored NAME DATA_DIR: checks the reported and the stored file's SHA-256; appends the storing
# phase's seconds (from the job runner's log) to $work/NAME.store
stored() {
  local name="$1" data="$2" code got ms
  code="$(jq -r '.files[0].code' "$work/$name.out")"
  got="$(jq -r '.files[0].sha256' "$work/$name.out")"
  [ "$got" = "$want" ] || { echo "$name: reported sha256 $got, source $want" >&2; exit 1; }
  got="$(sha256sum "$data/storage/$code/big.bin" | cut -d' ' -f1)"
  [ "$got" = "$want" ] || { echo "$name: stored file's sha256 $got, source $want" >&2; exit 1; }
  ms="$(sed -n 's/.*Upload completed: .* bytes in \([0-9]*\) ms.*/\1/p' "$work/$name.err")"
  [ -n "$ms" ] || { echo "$name: no 'Upload completed' line in its log" >&2; exit 1; }
  awk -v ms="$ms" 'BEGIN {printf "%.2f\n", ms / 1000}' >> "$work/$name.store"
}

ours() {
  rm -rf "$work/ours"
  DATA_DIR="$work/ours" DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true \
    timed fetch ./scoutbot fetch "$url" --json
  stored fetch "$work/ours"
  if [ -n "$(find "$work/ours/tmp" -type f 2>/dev/null)" ]; then
    echo "fetch left files in its temp space:" >&2; find "$work/ours/tmp" -type f >&2; exit 1
  fi
  rm -rf "$work/ours"
}

yardstick() {
  rm -rf "$work/theirs" "$work/dl/big.bin"
  timed curl curl -sS -o "$work/dl/big.bin" "$url"
  DATA_DIR="$work/theirs" timed upload ./scoutbot upload "$work/dl/big.bin" --json
  stored upload "$work/theirs"
  # the two commands' last rows: times and CPU add up, RSS is the larger
  paste -d' ' <(tail -n 1 "$work/curl.t") <(tail -n 1 "$work/upload.t") \
    | awk '{printf "%.2f %.2f %d %.2f\n", $1 + $5, $2 + $6, ($3 > $7 ? $3 : $7), $4 + $8}' \
    >> "$work/yard.t"
  rm -rf "$work/theirs" "$work/dl/big.bin"
}

for r in $(seq "$rounds"); do
  echo "round $r of $rounds" >&2
  if [ $((r % 2)) -eq 1 ]; then ours; yardstick; else yardstick; ours; fi
  echo "$(uptime | sed 's/.*load average: \([^,]*\),.*/\1/')" >> "$work/load"
done
load_after="$(uptime | sed 's/.*load average: //')"

# col FILE N: column N of FILE, one value a line
col() { awk -v n="$2" '{print $n}' "$work/$1"; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
summary() { # [DECIMALS] with values on stdin: "median (min–max)"
  sort -g | awk -v d="${1:-2}" '{a[NR] = $1} END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    f = "%." d "f"; printf f " (" f "–" f ")", m, a[1], a[NR]}'
}
mib_rss() { awk '{print $1 / 1024}'; }
row() { # LABEL FILE: wall, CPU, RSS, the server's CPU, MB/s of the wall median
  local w
  w="$(col "$2" 1 | median)"
  printf '| %s | %s | %s | %s | %s | %.0f |\n' "$1" "$(col "$2" 1 | summary)" \
    "$(col "$2" 2 | summary)" "$(col "$2" 3 | mib_rss | summary 0)" "$(col "$2" 4 | summary)" \
    "$(awk -v s="$size_mb" -v w="$w" 'BEGIN {print s * 1.048576 / w}')"
}
ratio() { # COLUMN: ScoutBot's median / the yardstick's
  awk -v a="$(col fetch.t "$1" | median)" -v b="$(col yard.t "$1" | median)" \
    'BEGIN {printf "%.2f×", a / b}'
}
rest() { # TIMES STORE: wall time minus the storing phase, per round
  paste -d' ' <(col "$1" 1) "$work/$2" | awk '{printf "%.2f\n", $1 - $2}' | summary
}

echo
echo "$size_mb MiB of random bytes from one loopback \`python3 -m http.server\`, fresh DATA_DIR"
echo "(SQLite + local store) per run, $rounds interleaved rounds; median (min–max)."
echo
echo "| run | wall s | CPU s (user + sys) | peak RSS MiB | server CPU s | MB/s |"
echo "|---|---:|---:|---:|---:|---:|"
row "ScoutBot: \`scoutbot fetch URL\`" fetch.t
row "yardstick: \`curl -o\` + \`scoutbot upload\`" yard.t
row "… of which \`curl -o\`" curl.t
row "… of which \`scoutbot upload\`" upload.t
printf '| ScoutBot / yardstick | %s | %s | %s | %s | |\n' "$(ratio 1)" "$(ratio 2)" "$(ratio 3)" \
  "$(ratio 4)"
echo
echo "| command | storing phase s (read the temp file, SHA-256, write, fsync) | rest of the wall time s |"
echo "|---|---:|---:|"
printf '| `scoutbot fetch` | %s | %s (JVM, job, HTTP fetch to temp) |\n' \
  "$(summary < "$work/fetch.store")" "$(rest fetch.t fetch.store)"
printf '| `scoutbot upload` | %s | %s (JVM, job) |\n' \
  "$(summary < "$work/upload.store")" "$(rest upload.t upload.store)"
echo
echo "| round | first | fetch wall s | yardstick wall s | load average after |"
echo "|---:|---|---:|---:|---:|"
for r in $(seq "$rounds"); do
  printf '| %d | %s | %s | %s | %s |\n' "$r" "$([ $((r % 2)) -eq 1 ] && echo fetch || echo yardstick)" \
    "$(sed -n "${r}p" "$work/fetch.t" | cut -d' ' -f1)" "$(sed -n "${r}p" "$work/yard.t" | cut -d' ' -f1)" \
    "$(sed -n "${r}p" "$work/load")"
done
echo
echo "Storing phase: the job runner's log line (\"Upload completed ... in N ms\"). Server CPU: the"
echo "HTTP server's user + system time while the command ran (/proc). Load average before: $load_before;"
echo "after: $load_after. $("$JAVA_BIN" -version 2>&1 | sed -n 2p); $(curl --version | head -n 1 | cut -d' ' -f1,2);"
echo "$(python3 --version). Every stored copy's SHA-256 (reported, and re-read from the store) matched"
echo "the source's ($want); fetch left no file in its temp space."
