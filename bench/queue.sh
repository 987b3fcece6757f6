#!/usr/bin/env bash
# Queue operations per second: each job is enqueue (with its catalog registration) + claim +
# complete through the real runner against a no-op storage, on SQLite and on PostgreSQL.
# Yardstick, same run, same database: three bare autocommitted single-row statements per job.
# Rounds are interleaved; the table shows medians. Needs the jar and test classes (bench/run builds
# them); PostgreSQL from SCOUTBOT_TEST_PG_URL (default 127.0.0.1:5432, user postgres) or skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS="${QUEUE_BENCH_JOBS:-1000}"
ROUNDS="${QUEUE_BENCH_ROUNDS:-5}"
PG="${SCOUTBOT_TEST_PG_URL:-jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}"

source bench/lib/java.sh
find_jdk
[ -f target/scoutbot.jar ] && [ -d target/test-classes ] || ./scoutbot build >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo
echo "Queue operations: $JOBS jobs per round, $ROUNDS interleaved rounds, one thread."
echo
"$JAVA_BIN" -Xmx256m -cp target/scoutbot.jar:target/test-classes \
  io.scoutbot.queue.QueueOpsBench "$JOBS" "$ROUNDS" "$work" "$PG" 2>"$work/stderr.log" \
  || { cat "$work/stderr.log" >&2; exit 1; }
