#!/usr/bin/env bash
# The container check: builds the image from the Dockerfile on a base made here from Debian packages
# (no registry image can be pulled on the build machine), runs it with a 512 MiB memory limit and
# one CPU, and checks from outside that
#   1. `scoutbot status --json` inside reports the container's limits, read from a cgroup;
#   2. an upload round-trips (the download's SHA-256 equals the file's);
#   3. a memory hog inside the container makes the service throttle, and its end lets it resume.
# Steps: debootstrap --variant=minbase bookworm -> `podman import` (localhost/debian-min); two Java
# bases on it: the machine's JDK 25 copied as is (to build with) and a runtime made with jlink (to run
# on); `podman build` from the Dockerfile with both as build arguments (the Maven repository of the
# host is mounted, so the build needs no network); `podman run --runtime runc --cgroup-manager
# cgroupfs` (crun refuses this machine's hybrid cgroup layout and the default ulimits).
#
# Not part of CI (.ci/run): it needs root, podman, buildah, runc and debootstrap (Debian packages) and
# network for debootstrap, and the first run takes several minutes (base, jlink, image build);
# later runs reuse the base images. Prints one Markdown table; exits 1 if a check failed, 2 if a
# step could not run (with the exact error), 0 with "skipped" where podman is missing.
# Settings: LIMIT_MB (512), CACHE (/var/tmp/scoutbot-container: the debootstrapped tree).
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT_MB=${LIMIT_MB:-512}
CACHE=${CACHE:-/var/tmp/scoutbot-container}
for tool in podman debootstrap runc jq; do
  if ! command -v "$tool" >/dev/null; then
    echo "skipped: needs $tool (apt-get install -y podman buildah debootstrap runc jq)"
    exit 0
  fi
done
[ "$(id -u)" = 0 ] || { echo "skipped: needs root (podman with the cgroupfs manager, debootstrap)"; exit 0; }

# shellcheck source=bench/lib/java.sh
. bench/lib/java.sh
find_jdk
[ -x "$JAVA_HOME/bin/jlink" ] || { echo "needs a JDK with jlink; $JAVA_HOME has none" >&2; exit 2; }
jdk_version="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$JAVA_HOME/release")"
P=(podman --runtime runc --cgroup-manager cgroupfs)
work=$(mktemp -d "${TMPDIR:-/tmp}/scoutbot-container.XXXXXX")
name="scoutbot-check-$$"
cleanup() {
  "${P[@]}" rm -f -t 5 "$name" >/dev/null 2>&1 || true
  "${P[@]}" volume rm -f "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Runs a step; on failure prints what failed with its output and exits 2.
step() {
  local what="$1"; shift
  echo "--- $what" >&2
  if ! "$@" > "$work/step.log" 2>&1; then
    echo "STEP FAILED: $what" >&2
    echo "command: $*" >&2
    tail -n 30 "$work/step.log" >&2
    exit 2
  fi
}

rows=()
failed=0
check() { # name, expected, seen, pass(0/1)
  local verdict=pass
  [ "$4" = 1 ] || { verdict=FAIL; failed=1; }
  rows+=("| $1 | $2 | $3 | $verdict |")
}

# 1. The Debian base, once.
if ! podman image exists localhost/debian-min; then
  if [ ! -f "$CACHE/rootfs/etc/debian_version" ]; then
    rm -rf "$CACHE/rootfs"
    mkdir -p "$CACHE"
    step "debootstrap --variant=minbase bookworm" debootstrap --variant=minbase bookworm "$CACHE/rootfs"
  fi
  step "podman import (localhost/debian-min)" \
    bash -c "tar -C '$CACHE/rootfs' -c . | podman import - localhost/debian-min"
fi

# 2. The Java bases, once per JDK version: the JDK as is (build stage), a jlink runtime (run stage).
java_base() { # tag, directory holding java/
  printf 'FROM localhost/debian-min\nCOPY java /opt/java/openjdk\n%s\n' \
    'ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    > "$2/Containerfile"
  "${P[@]}" build -q -t "$1" "$2"
}
if ! podman image exists "localhost/scoutbot-jdk:$jdk_version"; then
  mkdir -p "$work/jdk" && cp -a "$JAVA_HOME" "$work/jdk/java"
  step "build base localhost/scoutbot-jdk:$jdk_version" java_base "localhost/scoutbot-jdk:$jdk_version" "$work/jdk"
fi
if ! podman image exists "localhost/scoutbot-jre:$jdk_version"; then
  mkdir -p "$work/jre"
  # jdeps --print-module-deps on the jar, plus what it cannot see (Unsafe users, zip file
  # systems, EC crypto for TLS, DNS for JNDI, the HTTP server the status page will use)
  step "jlink runtime" "$JAVA_HOME/bin/jlink" \
    --add-modules java.base,java.desktop,java.naming,java.security.jgss,java.sql,jdk.management,jdk.net,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.httpserver,jdk.naming.dns \
    --strip-debug --no-man-pages --no-header-files --generate-cds-archive --output "$work/jre/java"
  step "run base localhost/scoutbot-jre:$jdk_version" java_base "localhost/scoutbot-jre:$jdk_version" "$work/jre"
fi

# 3. The image, from the Dockerfile.
started=$(date +%s)
step "podman build (Dockerfile)" "${P[@]}" build --format docker \
  -v "${HOME}/.m2:/root/.m2" \
  --build-arg "BUILD_IMAGE=localhost/scoutbot-jdk:$jdk_version" \
  --build-arg "BASE_IMAGE=localhost/scoutbot-jre:$jdk_version" \
  -t localhost/scoutbot:check .
build_s=$(( $(date +%s) - started ))
size_mb=$(( $(podman image inspect --format '{{.Size}}' localhost/scoutbot:check) / 1048576 ))
user=$(podman image inspect --format '{{.Config.User}}' localhost/scoutbot:check)
check "image builds from the Dockerfile" "builds" "${build_s} s, ${size_mb} MiB, user ${user}" \
  "$([ "$user" = scoutbot ] && echo 1 || echo 0)"
aot=$("${P[@]}" run --rm --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --entrypoint sh \
  localhost/scoutbot:check -c 'ls /app/target/aot/*.aot' 2>/dev/null || true)
check "AOT cache in the image" "/app/target/aot/*.aot" "$aot" "$([[ "$aot" == *.aot ]] && echo 1 || echo 0)"

# 4. Run it under the limits.
step "podman volume create" "${P[@]}" volume create "$name"
step "podman run --memory ${LIMIT_MB}m --cpus 1" "${P[@]}" run -d --name "$name" \
  --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --memory "${LIMIT_MB}m" --cpus 1 \
  -v "$name:/data" -e LOG_LEVEL=info localhost/scoutbot:check
for _ in $(seq 1 120); do
  "${P[@]}" logs "$name" 2>&1 | grep -q "ScoutBot is running" && break
  sleep 0.5
done
if ! "${P[@]}" logs "$name" 2>&1 | grep -q "ScoutBot is running"; then
  echo "STEP FAILED: serve did not start in 60 s; its log:" >&2
  "${P[@]}" logs "$name" >&2 || true
  exit 2
fi
cid=$(podman inspect --format '{{.Id}}' "$name")
cg="/sys/fs/cgroup/memory/libpod_parent/libpod-$cid"
working_set() { # the container's working set, read from the host: usage minus inactive page cache
  local usage inactive
  usage=$(cat "$cg/memory.usage_in_bytes")
  inactive=$(awk '$1 == "total_inactive_file" {print $2}' "$cg/memory.stat")
  echo $(( usage - ${inactive:-0} ))
}

# The cache was trained on the build host (2 CPUs: G1); under --cpus 1 the JVM picks Serial. The
# JVM says whether it took the cache (the launcher puts JAVA_OPTS after its own -Xlog:disable).
"${P[@]}" exec -e "JAVA_OPTS=-XX:MaxRAMPercentage=50 -Xlog:aot=info:stderr" "$name" \
  /app/scoutbot --version > "$work/aot.log" 2>&1 || true
aot_used=$(grep -o -m 1 'Unable to map shared spaces\|\[error.*' "$work/aot.log" \
  || grep -o -m 1 'Opened AOT cache' "$work/aot.log" || true)
serve_flags=$("${P[@]}" exec "$name" sh -c 'tr "\0" " " < /proc/1/cmdline')
check "serve and one-shot commands use the AOT cache" "serve has -XX:AOTCache; \`Opened AOT cache\`" \
  "$([[ "$serve_flags" == *-XX:AOTCache=* ]] && echo "serve has it" || echo "serve has not"); ${aot_used:-no answer}" \
  "$([[ "$serve_flags" == *-XX:AOTCache=* ]] && [ "$aot_used" = "Opened AOT cache" ] && echo 1 || echo 0)"

# Check 1: the limits, as the service inside sees them.
"${P[@]}" exec "$name" /app/scoutbot status --json > "$work/status.json"
limit=$(jq -r '.memory_limit_bytes' "$work/status.json")
msource=$(jq -r '.memory_limit_source' "$work/status.json")
cores=$(jq -r '.cpu_limit_cores' "$work/status.json")
csource=$(jq -r '.cpu_limit_source' "$work/status.json")
heap=$(jq -r '.heap_max_bytes' "$work/status.json")
check "memory limit in \`status --json\`" "$((LIMIT_MB * 1048576)) from a cgroup" "$limit from $msource" \
  "$([ "$limit" = $((LIMIT_MB * 1048576)) ] && [[ "$msource" == cgroup* ]] && echo 1 || echo 0)"
check "CPU limit in \`status --json\`" "1.0 core from a cgroup" "$cores from $csource" \
  "$([[ "$cores" == 1 || "$cores" == 1.0 ]] && [[ "$csource" == cgroup* ]] && echo 1 || echo 0)"
check "heap of a one-shot command (MaxRAMPercentage=50)" "about $((LIMIT_MB / 2)) MiB" \
  "$((heap / 1048576)) MiB" "$([ $((heap / 1048576)) -ge $((LIMIT_MB * 45 / 100)) ] && [ $((heap / 1048576)) -le $((LIMIT_MB / 2)) ] && echo 1 || echo 0)"

# Check 2: an upload round trip (64 MiB of random bytes).
head -c 64M /dev/urandom > "$work/in.bin"
sha=$(sha256sum "$work/in.bin" | cut -d ' ' -f 1)
"${P[@]}" cp "$work/in.bin" "$name:/data/in.bin"
"${P[@]}" exec "$name" /app/scoutbot upload /data/in.bin --json > "$work/upload.json"
code=$(jq -r '.files[0].code' "$work/upload.json")
stored=$(jq -r '.files[0].sha256' "$work/upload.json")
"${P[@]}" exec "$name" /app/scoutbot download "$code" -o /data/out.bin > /dev/null
back=$("${P[@]}" exec "$name" sha256sum /data/out.bin | cut -d ' ' -f 1)
check "upload + download round trip (64 MiB)" "sha256 ${sha:0:12}…" \
  "stored ${stored:0:12}…, downloaded ${back:0:12}…" \
  "$([ "$stored" = "$sha" ] && [ "$back" = "$sha" ] && echo 1 || echo 0)"

# Check 3: a memory hog inside the container. `tail` keeps a line without newlines whole, so it
# holds everything `head` sends until the input ends, 40 s later; sized so that the container's
# working set reaches ~90 % of the limit (the threshold is 80 %).
sleep 4 # let the upload's page cache and garbage settle
idle=$(working_set)
hog=$(( LIMIT_MB * 1048576 * 90 / 100 - idle ))
"${P[@]}" exec -d "$name" sh -c "{ head -c $hog /dev/zero; sleep 40; } | tail > /dev/null" > /dev/null
throttled=""
for _ in $(seq 1 40); do
  throttled=$("${P[@]}" logs "$name" 2>&1 | grep "throttling enabled" | tail -n 1 || true)
  [ -n "$throttled" ] && break
  sleep 0.5
done
peak=$(working_set)
check "memory hog ($((hog / 1048576)) MiB) makes it throttle" \
  "\`throttling enabled\` with Memory > 80 %" \
  "working set $((idle / 1048576)) → $((peak / 1048576)) MiB; \`${throttled#*ResourceMonitor - }\`" \
  "$([ -n "$throttled" ] && echo 1 || echo 0)"
resumed=""
for _ in $(seq 1 120); do
  resumed=$("${P[@]}" logs "$name" 2>&1 | grep "throttling disabled" | tail -n 1 || true)
  [ -n "$resumed" ] && break
  sleep 0.5
done
check "the hog's end lets it resume" "\`throttling disabled\`" "\`${resumed#*ResourceMonitor - }\`" \
  "$([ -n "$resumed" ] && echo 1 || echo 0)"
# podman runs health checks from systemd timers, and there is no systemd here: run it once by hand
health=unhealthy
"${P[@]}" healthcheck run "$name" > /dev/null 2>&1 && health=healthy
check "the image's HEALTHCHECK" "healthy" "$health" "$([ "$health" = healthy ] && echo 1 || echo 0)"
oom=$(podman inspect --format '{{.State.OOMKilled}}' "$name")
running=$(podman inspect --format '{{.State.Running}}' "$name")
check "no OOM kill" "still running, OOMKilled false" "running $running, OOMKilled $oom" \
  "$([ "$oom" = false ] && [ "$running" = true ] && echo 1 || echo 0)"

echo
echo "Container check on $(uname -r), $(stat -fc %T /sys/fs/cgroup) at /sys/fs/cgroup (cgroup v1 controllers), podman $(podman version --format '{{.Client.Version}}'), runc, limits --memory ${LIMIT_MB}m --cpus 1; image $jdk_version (jlink)"
echo
echo "| check | expected | seen | result |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit "$failed"
