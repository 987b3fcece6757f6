#!/usr/bin/env bash
# End-to-end queue throughput with 1, 2 and 3 `serve` instances sharing one PostgreSQL queue.
# Each round: a fresh schema and data folder, JOBS files queued with `upload --no-wait` (3 users),
# then N serves started together; the time is the queue's own (first claim to last completion,
# from the job rows), so JVM start-up is not counted. Rounds are interleaved (1,2,3,1,2,3,...).
#
# Storage is the local store by default (all instances share DATA_DIR on this host). To measure
# against a fake Pentaract with a fixed per-request latency, set:
#   QUEUE_E2E_STORAGE_CMD   a command that starts the fake in the foreground (killed at the end)
#   QUEUE_E2E_STORAGE_ENV   settings for the serves, e.g.
#                           "PENTARACT_ENABLED=true PENTARACT_API_URL=http://127.0.0.1:8547/api
#                            PENTARACT_EMAIL=a@b PENTARACT_PASSWORD=x"
#   QUEUE_E2E_LATENCY_MS    the fake's per-request latency; the yardstick then becomes the ideal
#                           time JOBS x latency / (instances x PENTARACT_MAX_CONCURRENT_UPLOADS)
# Without a latency the yardstick is one process copying and flushing (`cp` + `sync FILE`) each
# file in turn, as the local store does.
# The resource governor is off (QUEUE_E2E_GOVERNOR=true turns it on): three JVMs starting together
# on a 2-core host push CPU over 80 % and rightly throttle each other to one upload at a time, which
# measures the host, not the queue.
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS="${QUEUE_E2E_JOBS:-300}"
SIZE_KIB="${QUEUE_E2E_SIZE_KIB:-256}"
ROUNDS="${QUEUE_E2E_ROUNDS:-3}"
CONCURRENT="${PENTARACT_MAX_CONCURRENT_UPLOADS:-3}"
PGHOST_URL="${SCOUTBOT_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}"
PSQL=(psql -h 127.0.0.1 -U postgres -d postgres -qtAX)
export PGOPTIONS="--client-min-messages=warning"

source bench/lib/java.sh
find_jdk
[ -f target/scoutbot.jar ] || ./scoutbot build >/dev/null
"${PSQL[@]}" -c 'SELECT 1' >/dev/null 2>&1 || { echo "needs PostgreSQL on 127.0.0.1:5432"; exit 0; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${QUEUE_E2E_STORAGE_CMD:-}" ]; then
  bash -c "$QUEUE_E2E_STORAGE_CMD" >"$work/storage.log" 2>&1 &
  pids+=($!)
  sleep 2
fi

mkdir -p "$work/files"
for i in $(seq 1 "$JOBS"); do
  head -c $((SIZE_KIB * 1024)) /dev/urandom >"$work/files/f-$i.bin"
done

run_round() { # instances -> seconds of queue time
  local n=$1 schema="e2e_$(date +%s%N)" data="$work/data-$1-$RANDOM"
  "${PSQL[@]}" -c "CREATE SCHEMA $schema"
  local env=(DATA_DIR="$data" DATABASE_URL="$PGHOST_URL&currentSchema=$schema" LOG_LEVEL=warn
    NODE_ID=bench QUEUE_MAX_JOBS_PER_USER=100000 QUEUE_MAX_RUNNING_PER_USER=1000
    QUEUE_POLL_SECONDS=1 RESOURCE_MONITORING_ENABLED="${QUEUE_E2E_GOVERNOR:-false}"
    ${QUEUE_E2E_STORAGE_ENV:-})
  local third=$(( (JOBS + 2) / 3 )) u
  for u in 1 2 3; do
    ls "$work"/files/*.bin | sed -n "$(( (u - 1) * third + 1 )),$(( u * third ))p" \
      | xargs env "${env[@]}" ./scoutbot upload --no-wait --user "$u" >/dev/null
  done
  local serves=() i
  for i in $(seq 1 "$n"); do
    env "${env[@]}" "$JAVA_BIN" -Xmx128m -jar target/scoutbot.jar serve \
      >"$work/serve-$n-$i.log" 2>&1 &
    serves+=($!); pids+=($!)
  done
  until [ "$("${PSQL[@]}" -c "SELECT count(*) FROM $schema.upload_job WHERE state IN ('pending','running')")" = 0 ]; do
    for i in "${serves[@]}"; do
      kill -0 "$i" 2>/dev/null || { echo "a serve exited early:" >&2; cat "$work"/serve-"$n"-*.log >&2; exit 1; }
    done
    sleep 0.2
  done
  for i in "${serves[@]}"; do kill "$i" 2>/dev/null || true; done
  wait "${serves[@]}" 2>/dev/null || true
  "${PSQL[@]}" -c "SELECT round((max(finished_at) - min(started_at)) / 1000.0, 2) FROM $schema.upload_job WHERE state = 'completed' HAVING count(*) = $JOBS"
  "${PSQL[@]}" -c "DROP SCHEMA $schema CASCADE"
  rm -rf "$data"
}

yardstick() {
  if [ -n "${QUEUE_E2E_LATENCY_MS:-}" ]; then
    awk -v j="$JOBS" -v l="$QUEUE_E2E_LATENCY_MS" -v n="$1" -v c="$CONCURRENT" \
      'BEGIN { printf "%.2f", j * l / 1000 / (n * c) }'
  else
    # like the local store: each file copied and flushed to disk in turn, by one process
    local t0 t1 f; mkdir -p "$work/cp"; t0=$(date +%s%N)
    for f in "$work"/files/*.bin; do cp "$f" "$work/cp/" && sync "$work/cp/${f##*/}"; done
    t1=$(date +%s%N); rm -rf "$work/cp"
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
  fi
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A times yard
for r in $(seq 1 "$ROUNDS"); do
  for n in 1 2 3; do
    times[$n]+="$(run_round "$n") "
    yard[$n]+="$(yardstick "$n") "
  done
done

echo
storage="local store"
[ -z "${QUEUE_E2E_STORAGE_ENV:-}" ] || storage="fake Pentaract, ${QUEUE_E2E_LATENCY_MS:-?} ms per upload request"
governor=off
[ "${QUEUE_E2E_GOVERNOR:-false}" != true ] || governor=on
echo "Queue end to end: $JOBS jobs of $SIZE_KIB KiB, $ROUNDS interleaved rounds, PENTARACT_MAX_CONCURRENT_UPLOADS=$CONCURRENT per serve, storage: $storage; governor $governor."
echo
echo "| serve instances | median s (first claim to last completion) | jobs/s | yardstick s | yardstick ÷ measured |"
echo "|---:|---:|---:|---:|---:|"
for n in 1 2 3; do
  t=$(tr ' ' '\n' <<<"${times[$n]}" | grep . | median)
  y=$(tr ' ' '\n' <<<"${yard[$n]}" | grep . | median)
  awk -v n="$n" -v t="$t" -v y="$y" -v j="$JOBS" \
    'BEGIN { printf "| %d | %.2f | %.0f | %.2f | %.2f |\n", n, t, j / t, y, y / t }'
done
